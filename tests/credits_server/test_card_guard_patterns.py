"""What the card-data guard takes for card data in a body, and what it lets through."""

from __future__ import annotations

import json

import pytest

from credits_server.api.card_guard import carries_card

CARD_DATA = [
    b'{"number": "4242424242424242"}',
    b'{"NUMBER" : "x"}',
    b'{"card": {"cvc": "123"}}',
    b'{"Cvv":1}',
    b'{"cvc2":1}',
    b"card%5Bnumber%5D=4242",
    b"card[cvc]=123",
    b'{"note": "4242424242424242"}',
    b'{"note": "pay 4242 4242 4242 4242 now"}',
    b'{"note": "4242-4242-4242-4242"}',
    b"4000000000000002",
    b'{"reference": "12 4242424242424242"}',  # a card after other digits
    b'{"reference": "12 4242 4242 4242 4242"}',
    b'{"reference": "4242424242424242 12"}',  # a card before other digits
    b'{"note": "1 2 3 4242424242424242 9"}',
]
NOT_CARD_DATA = [
    b'{"note": "4242424242424241"}',  # not Luhn-valid
    b'{"phone": "+4242424242424242"}',  # a phone number
    b'{"id": "a4242424242424242"}',  # inside a longer token
    b'{"id": "4242424242424242_x"}',
    b'{"v": ".4242424242424242"}',
    b'{"long": "42424242424242424242"}',  # 20 digits: no card
    b'{"note": "12 4242424242424241"}',  # no Luhn-valid number in any of its groups
    b'{"numbers": 1, "cvcs": 2}',  # other fields
    json.dumps(
        {
            "records": [
                {"account_id": "acct_ee48f5e84be48b11792e", "amount": 1, "kind": "call"}
                | {"reference": f"w-1-{n}"}
                for n in range(100)
            ]
        }
    ).encode(),
]


@pytest.mark.parametrize("body", CARD_DATA, ids=lambda b: b.decode()[:40])
def test_card_data_is_found(body: bytes) -> None:
    assert carries_card(body)


@pytest.mark.parametrize("body", NOT_CARD_DATA, ids=lambda b: b.decode()[:40])
def test_other_data_is_not_card_data(body: bytes) -> None:
    assert not carries_card(body)
