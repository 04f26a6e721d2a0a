"""The demo's words: professions, places, and the phrases its rows are written in.

Only data lives here; nothing draws from the random generator. The tables are tuples so
that a draw picks from them in a fixed order, which keeps the demo reproducible.
"""

from dataclasses import dataclass
from itertools import accumulate

from reciprocity.store.models import FollowupStatus


@dataclass(frozen=True)
class Category:
    """A profession: BNI chapters admit one member per category."""

    name: str
    phrase: str
    suffix: str
    deal: int


CATEGORIES = tuple(
    Category(*fields)
    for fields in (
        ("Accountant", "an accountant", "Accountancy", 3000),
        ("Tax adviser", "a tax adviser", "Belastingadvies", 2000),
        ("Bookkeeper", "a bookkeeper", "Administratie", 1500),
        ("Mortgage adviser", "a mortgage adviser", "Hypotheken", 2500),
        ("Financial planner", "a financial planner", "Financiële Planning", 2000),
        ("Insurance broker", "an insurance broker", "Verzekeringen", 1200),
        ("Pension adviser", "a pension adviser", "Pensioenadvies", 3000),
        ("Estate agent", "an estate agent", "Makelaardij", 6000),
        ("Commercial property agent", "a commercial property agent", "Bedrijfshuisvesting", 9000),
        ("Notary", "a notary", "Notariaat", 1500),
        ("Employment lawyer", "an employment lawyer", "Arbeidsrecht", 4000),
        ("Business lawyer", "a business lawyer", "Advocatuur", 5000),
        ("Web designer", "a web designer", "Webdesign", 4500),
        ("Software developer", "a software developer", "Software", 12000),
        ("IT support", "IT support", "ICT Beheer", 3000),
        ("Cyber security consultant", "a cyber security consultant", "Security", 6000),
        ("Photographer", "a photographer", "Fotografie", 1200),
        ("Video producer", "a video producer", "Videoproducties", 3500),
        ("Graphic designer", "a graphic designer", "Ontwerp", 2000),
        ("Copywriter", "a copywriter", "Tekstbureau", 1500),
        ("Translator", "a translator", "Vertalingen", 900),
        ("Marketing consultant", "a marketing consultant", "Marketing", 5000),
        ("Social media manager", "a social media manager", "Social Media", 2500),
        ("Printer", "a printer", "Drukwerk", 1800),
        ("Sign maker", "a sign maker", "Reclame", 2200),
        ("Promotional products", "promotional products", "Relatiegeschenken", 1500),
        ("Event planner", "an event planner", "Events", 6000),
        ("Caterer", "a caterer", "Catering", 2500),
        ("Florist", "a florist", "Bloemen", 400),
        ("Travel agent", "a travel agent", "Reizen", 3000),
        ("Recruiter", "a recruiter", "Recruitment", 7000),
        ("HR consultant", "an HR consultant", "HR Advies", 4000),
        ("Business coach", "a business coach", "Coaching", 2500),
        ("Sales trainer", "a sales trainer", "Training", 3500),
        ("Virtual assistant", "a virtual assistant", "Office Support", 1800),
        ("Office furniture", "office furniture", "Kantoorinrichting", 6000),
        ("Office supplies", "office supplies", "Kantoorartikelen", 1500),
        ("Interior designer", "an interior designer", "Interieur", 7000),
        ("Architect", "an architect", "Architecten", 15000),
        ("Builder", "a builder", "Bouw", 25000),
        ("Electrician", "an electrician", "Elektrotechniek", 3000),
        ("Plumber", "a plumber", "Installatietechniek", 2500),
        ("Solar panel installer", "a solar panel installer", "Zonne-energie", 9000),
        ("Painter", "a painter", "Schilderwerken", 4000),
        ("Garden designer", "a garden designer", "Tuinen", 6000),
        ("Cleaning company", "a cleaning company", "Schoonmaak", 5000),
        ("Removals company", "a removals company", "Verhuizingen", 1800),
        ("Locksmith", "a locksmith", "Sloten", 400),
        ("Security company", "a security company", "Beveiliging", 6000),
        ("Car dealer", "a car dealer", "Auto's", 20000),
        ("Lease company", "a lease company", "Lease", 12000),
        ("Telecom provider", "a telecom provider", "Telecom", 4000),
        ("Energy broker", "an energy broker", "Energie", 3500),
        ("Subsidy adviser", "a subsidy adviser", "Subsidieadvies", 5000),
        ("Debt collection agency", "a debt collection agency", "Incasso", 2000),
        ("Physiotherapist", "a physiotherapist", "Fysiotherapie", 800),
        ("Chiropractor", "a chiropractor", "Chiropractie", 700),
        ("Dentist", "a dentist", "Tandartspraktijk", 900),
        ("Personal trainer", "a personal trainer", "Personal Training", 1200),
        ("Optician", "an optician", "Optiek", 600),
        ("Wine merchant", "a wine merchant", "Wijnen", 1500),
    )
)

LOCALES = ("nl_NL", "nl_BE", "en_GB", "de_DE", "fr_FR", "pl_PL", "tr_TR", "es_ES", "it_IT")
LOCALE_CUM = tuple(accumulate((52, 8, 11, 10, 7, 4, 4, 2, 2)))
INITIALS = "ABCDEFGHIJKLMNOPRSTVWZ"
FREE_MAIL = ("gmail.com", "outlook.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "icloud.com")


def phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|"))


CITIES = phrases(
    "Utrecht | Amersfoort | Amsterdam | Rotterdam | Den Haag | Eindhoven | Groningen | Arnhem"
    "| Nijmegen | Haarlem | Leiden | Delft | Breda | Tilburg | Zwolle | Apeldoorn | Enschede"
    "| Maastricht | Den Bosch | Almere | Deventer | Alkmaar | Dordrecht | Gouda | Ede"
    "| Leeuwarden | Hilversum | Zeist | Venlo | Middelburg"
)
REFERRAL_LEADS = phrases("Needs | Looking for | Asked me about | Wants quotes from | Could use")
PURPOSES = phrases(
    "a new office | their start-up | the family business | a house move | a product launch"
    "| an expansion into Germany | the company's 25th anniversary | a new shop in the centre"
    "| a second location | a rebranding | the year-end rush | a care home | a dental practice"
    "| a law firm | a webshop | a sports club | a restaurant opening | a primary school"
    "| a housing association | a logistics firm"
)
HELP = phrases(
    "Reviewed their LinkedIn profile | Shared a contract template"
    "| Gave feedback on the new website | Lent a projector for a workshop"
    "| Explained the new VAT rules | Tested their booking flow | Recommended a bookkeeping app"
    "| Proofread a tender | Helped plan a trade-fair stand | Shared a list of local suppliers"
    "| Sat in on a sales pitch rehearsal | Checked a quote before it went out"
    "| Posted their vacancy in my network | Gave a second opinion on a lease"
    "| Shared tips on getting paid on time | Helped set up the newsletter"
    "| Walked them through a subsidy application | Lent a meeting room for a client"
    "| Took product photos for the webshop | Shared a speaker slot at an event"
)
INTRO_REASONS = phrases(
    "Both work with start-ups | Could team up on office refurbishments | Both serve care homes"
    "| Thought they should share a stand at the trade fair"
    "| Same ideal client, different services | Could bundle their offers for webshops"
    "| Both looking for a referral partner in hospitality | Both moving into sustainability"
    "| Could run a joint workshop | Both need a partner for larger tenders"
)
TRADES = phrases(
    "Groep | Logistiek | Bouw | Zorggroep | Techniek | Holding | & Zonen | Retail | Vastgoed"
    "| Hospitality | Installaties | Transport"
)
CONTACT_ROLES = phrases(
    "purchasing manager | HR director | owner | facility manager | operations director"
    "| marketing lead | founder | office manager | managing partner | CFO"
)
VOID_REASONS = phrases(
    "Logged twice by mistake | Wrong receiver; logged again for the right member"
    "| The contact asked not to be referred | Entered in the wrong network"
    "| Test entry during the training evening"
)
STEP_NOTES: dict[str, tuple[str, ...]] = {
    FollowupStatus.CONTACTED: phrases(
        "Called the same day | Sent an email, they replied | Left a voicemail, then reached them"
    ),
    FollowupStatus.MEETING: phrases("Met at their office | Video call of an hour | Site visit"),
    FollowupStatus.PROPOSAL: phrases(
        "Sent a quote | Proposal in two options | Offer sent after the site visit"
    ),
    FollowupStatus.WON: phrases("Signed this week | First order in | Contract for a year"),
    FollowupStatus.LOST: phrases(
        "Went with a cheaper supplier | Project postponed | Chose an existing contact"
    ),
    FollowupStatus.NO_RESPONSE: phrases("Three attempts, no reply | No answer to calls or email"),
}
FEEDBACK = {
    "good": phrases(
        "Quick and professional, thank you | My contact was delighted"
        "| Exactly how a referral should be handled"
    ),
    "mixed": phrases("Took a while, but it got there | Would have liked an update sooner"),
    "poor": phrases("My contact never heard back | Not followed up; this costs me goodwill"),
}
ONE_TO_ONE_NOTES = phrases(
    "Coffee near the station | Walked through each other's ideal client | Visited the workshop"
    "| Swapped three contacts each | Lunch; talked about referral partners | Video call"
    "| Planned a joint workshop"
)
ASK_DETAILS = phrases(
    "Preferably someone who has done this before for a small firm."
    "| Budget is modest; happy to hear options. | Needed within the next few weeks."
)
