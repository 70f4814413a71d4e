"""ISO 4217: how many decimal places (the minor-unit exponent) each currency's amounts have.

Amounts everywhere are integers in the currency's minor unit: 5000 is $50.00 (exponent 2),
¥5000 (exponent 0) or 5.000 TND (exponent 3).
"""

from __future__ import annotations

# Every currency of ISO 4217's list of current codes that has a minor unit, by exponent; codes
# withdrawn lately (HRK, SLL, CUC, ZWL, ANG) stay, so an account opened in one still reads right.
# Left out: the codes with no minor unit at all (gold XAU, silver XAG, the IMF's XDR, the bond
# units XBA-XBD, the test code XTS, "no currency" XXX...): no account is kept in them.
_BY_EXPONENT = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: (
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
        "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
        "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR "
        "KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR "
        "MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK "
        "SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN "
        "UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL"
    ),
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}

EXPONENTS: dict[str, int] = {
    code: exponent for exponent, codes in _BY_EXPONENT.items() for code in codes.split()
}
"""The minor-unit exponent of every currency, by its upper-case ISO 4217 code."""

DEFAULT_EXPONENT = 2
"""For a code not in the table: cents, as most currencies have (a guess, never an error, so an
amount in a currency newer than this table can still be drawn)."""


def exponent(currency: str) -> int:
    """How many decimal places `currency` (any case) has: USD 2, JPY 0, TND 3, CLF 4."""
    return EXPONENTS.get(currency.upper(), DEFAULT_EXPONENT)


def is_currency(currency: str) -> bool:
    """True for an ISO 4217 code in the table (upper case, as the API writes it)."""
    return currency in EXPONENTS
