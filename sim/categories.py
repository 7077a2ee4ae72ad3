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


# Plain-int codes for array comparisons: comparing an int8 array with an IntEnum member
# casts the whole array (about 10x slower), so the engine compares with these.
NOT_CLAIMED, QUEUED, PROCESSING, RECEIVING, SUSPENDED, REJECTED, GAVE_UP = map(int, ClaimState)
CH_ALONE, CH_RELATIVE, CH_COUNTER, CH_PHONE, CH_SOCIAL, CH_ASSOCIATION = map(int, Channel)


MEDIATED = (Channel.social_services, Channel.association)


class Cause(IntEnum):
    """ODENORE typology of non-take-up: each eligible non-recipient is in exactly one."""

    non_knowledge = 0
    non_proposition = 1
    non_demand = 2
    non_reception = 3


class SubCause(IntEnum):
    """Sub-causes: each eligible non-recipient is in exactly one, inside its cause.

    The CNAF's RSA survey (e-ssentiel 124, 2012) separates not knowing the benefit
    from knowing it but being sure not to be eligible; non-demand is *chosen* (the
    gain is not worth it, or claiming costs too much in stigma, distrust or the wish
    to manage on one's own) or *deterred by the route* (the cheapest open route costs
    more than the claim is worth, or no route is open), or the household intends to
    claim and has not yet; queued households are classified by where they wait.
    """

    unaware = 0  # non_knowledge: does not know the benefit exists
    believes_ineligible = 1  # non_knowledge: knows it, sure not to be eligible
    not_proposed = 2  # non_proposition: in contact with a service that did not propose it
    waiting_for_help = 3  # non_proposition: queuing for social services or an association
    low_gain = 4  # non_demand (chosen): the gain is not worth even an easy claim
    stigma_autonomy = 5  # non_demand (chosen): stigma, distrust, managing on one's own
    deterred_by_route = 6  # non_demand: the cheapest open route costs too much, or none
    not_yet = 7  # non_demand: worth claiming by an open route, not done yet
    processing = 8  # non_reception: lodged, within the processing delay
    agency_queue = 9  # non_reception: waiting for a counter or phone slot
    rejected = 10  # non_reception: incomplete file rejected
    suspended = 11  # non_reception: payment suspended after a failed renewal


SUBCAUSE_OF = {  # sub-cause -> its cause
    SubCause.unaware: Cause.non_knowledge, SubCause.believes_ineligible: Cause.non_knowledge,
    SubCause.not_proposed: Cause.non_proposition, SubCause.waiting_for_help: Cause.non_proposition,
    SubCause.low_gain: Cause.non_demand, SubCause.stigma_autonomy: Cause.non_demand,
    SubCause.deterred_by_route: Cause.non_demand, SubCause.not_yet: Cause.non_demand,
    SubCause.processing: Cause.non_reception, SubCause.agency_queue: Cause.non_reception,
    SubCause.rejected: Cause.non_reception, SubCause.suspended: Cause.non_reception,
}


class DemandReason(IntEnum):
    """Why an aware eligible household has not lodged a claim (set by the decision step)."""

    none = 0  # not evaluated this month (claiming, queued, receiving...)
    low_gain = 1
    stigma_autonomy = 2
    deterred_by_route = 3
    not_yet = 4


class Attempt(IntEnum):
    """Outcome of one attempt through a route (step 5)."""

    ok = 0  # lodged (a claim) or declared (a renewal)
    fail = 1  # tried and did not get through
    wait = 2  # the route had no slot this month: wait and come back first
    no_route = 3  # no route left


class FailReason(IntEnum):
    """Why the last attempt on a route failed (the household remembers it)."""

    none = 0
    attempt_failed = 1  # tried and did not get through (skill, complexity, a missing step)
    turned_away = 2  # the service had no capacity left this month
    incomplete = 3  # the file was rejected as incomplete
    lost_access = 4  # the intermediary holding the access codes was not available


class Holder(IntEnum):
    """Who keeps a household's access codes (Mazet 2017: codes kept in drawers)."""

    none = 0
    relative = 1
    social_services = 2
    association = 3


class AfterFailure(IntEnum):
    """What a household does next after a failed attempt (columns 0-5 are channels)."""

    online_alone = 0
    online_relative = 1
    counter = 2
    phone = 3
    social_services = 4
    association = 5
    gave_up = 6


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
    "household_type": HouseholdType,
    "other_benefit": None,  # labels none / receives (a CAF benefit the model does not simulate)
}

GROUP_LABELS = {
    "age_band": [m.name for m in AgeBand],
    "income_quintile": ["q1", "q2", "q3", "q4", "q5"],
    "diploma": [m.name for m in Diploma],
    "territory": [m.name for m in Territory],
    "equipment": [m.name for m in Equipment],
    "isolation": ["isolated", "supported"],
    "household_type": [m.name for m in HouseholdType],
    "other_benefit": ["none", "receives"],
}
