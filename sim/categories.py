"""Categorical codes shared by the engine, the metrics and the outputs.

Each category is an ``IntEnum`` stored as ``int8`` in household arrays; the
enum's member names are the labels written to result files (English,
snake_case); the dashboard translates them.
"""

from enum import IntEnum


class AgeBand(IntEnum):
    """Age band of the household's reference person (DOMAIN §2)."""

    a18_29 = 0
    a30_44 = 1
    a45_59 = 2
    a60_74 = 3
    a75_plus = 4


AGE_BAND_BOUNDS = ((18, 29), (30, 44), (45, 59), (60, 74), (75, 95))


class HouseholdType(IntEnum):
    alone = 0
    couple = 1
    single_parent = 2
    couple_children = 3


class Diploma(IntEnum):
    none = 0
    secondary = 1
    higher = 2


class Territory(IntEnum):
    large_city = 0
    small_town = 1
    rural = 2


class Tenure(IntEnum):
    owner = 0
    private_renter = 1
    social_renter = 2


class Equipment(IntEnum):
    none = 0
    smartphone = 1
    computer = 2


class InternetRelation(IntEnum):
    """Relation to the internet: regular users beside the source article's
    typology of non-users (Aquitaine survey cited by Mazet 2017)."""

    regular = 0
    occasional = 1
    indirect = 2  # does not go online but has others do it
    distanced = 3  # chose to keep away
    dropout = 4  # "abandonniste": used it, stopped
    disconnected = 5  # fully disconnected


class Intention(IntEnum):
    """Intention of non-users to go online (same source)."""

    user = 0  # not applicable: already online
    distant_potential = 1
    radical = 2
    quasi_user = 3


class NonConnection(IntEnum):
    """Main reason for not being online: chosen (useless, data fear) or suffered
    (competence, money).  ``connected`` for users."""

    connected = 0
    useless = 1
    data_fear = 2
    competence = 3
    money = 4


CHOSEN_NONCONNECTION = (NonConnection.useless, NonConnection.data_fear)


class ClaimState(IntEnum):
    """Per household and benefit."""

    not_claimed = 0
    queued = 1  # waiting for a mediated appointment (social services, association, counter)
    processing = 2  # file lodged, agency processing it
    receiving = 3
    suspended = 4  # failed renewal
    rejected = 5  # incomplete file rejected
    gave_up = 6  # stopped trying after repeated failures


class Channel(IntEnum):
    """Routes to lodge a claim (DOMAIN §3 step 4)."""

    online_alone = 0
    online_relative = 1
    counter = 2
    phone = 3
    social_services = 4
    association = 5


MEDIATED = (Channel.social_services, Channel.association)


class Cause(IntEnum):
    """ODENORE typology of non-take-up: each eligible non-recipient is in exactly one."""

    non_knowledge = 0
    non_proposition = 1
    non_demand = 2
    non_reception = 3


class Outcome(IntEnum):
    """Outcome of a claim route for the route table (Sankey)."""

    receiving = 0
    waiting = 1
    rejected = 2
    gave_up = 3


GROUPS = {
    "age_band": AgeBand,
    "income_quintile": None,  # labels q1..q5
    "diploma": Diploma,
    "territory": Territory,
    "equipment": Equipment,
    "isolation": None,  # labels isolated / supported
}

GROUP_LABELS = {
    "age_band": [m.name for m in AgeBand],
    "income_quintile": ["q1", "q2", "q3", "q4", "q5"],
    "diploma": [m.name for m in Diploma],
    "territory": [m.name for m in Territory],
    "equipment": [m.name for m in Equipment],
    "isolation": ["isolated", "supported"],
}
