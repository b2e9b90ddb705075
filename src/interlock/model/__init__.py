"""Domain types, plain typed data with no I/O."""

from interlock.model.travel import (
    Booking,
    Contact,
    Flight,
    FlightLeg,
    Format,
    HistoryItem,
    Issue,
    ParsedMessage,
    Payment,
    Role,
    Sex,
    TravelDocument,
    Traveller,
)

__all__ = [
    "Booking",
    "Contact",
    "Flight",
    "FlightLeg",
    "Format",
    "HistoryItem",
    "Issue",
    "ParsedMessage",
    "Payment",
    "Role",
    "Sex",
    "TravelDocument",
    "Traveller",
]
