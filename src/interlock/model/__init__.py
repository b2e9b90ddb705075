"""Domain types, plain typed data with no I/O."""

from interlock.model.travel import (
    Booking,
    Contact,
    DatePrecision,
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
    "DatePrecision",
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
