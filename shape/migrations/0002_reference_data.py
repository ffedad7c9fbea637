"""Load the financing instruments and the default bankability checklist (version 1).

Both are reference data that curators maintain afterwards: instruments by code, the
checklist by dimension and item code. Running the loader twice changes nothing.
"""

from django.db import migrations

INSTRUMENTS = [
    ("grant", "Grant",
     "Money that is not paid back, given for an agreed work plan and reported on against it."),
    ("loan", "Loan",
     "Borrowed capital repaid with interest over a fixed term, often long for public borrowers."),
    ("equity", "Equity",
     "Capital in exchange for a share in a project company, earned back from dividends or a sale."),
    ("guarantee", "Guarantee",
     "A third party covers part of a lender's loss on default, so credit is cheaper or possible at all."),
    ("green-bond", "Green bond",
     "A bond whose proceeds are reserved for environmental projects and reported on every year."),
    ("ppp", "Public-private partnership",
     "A long contract where a private partner builds, finances or runs public assets for fees or availability payments."),
    ("epc", "Energy performance contract",
     "An energy service company installs savings measures and is paid out of the savings it guarantees."),
    ("crowdfunding", "Crowdfunding",
     "Many small loans, shares or donations from citizens, raised through an online platform."),
]

TEMPLATE_NAME = "Bankability checklist"
TEMPLATE_VERSION = 1

# (dimension code, title, items); an item is
# (code, question, guidance, evidence expected, weight 1-5, mandatory).
DIMENSIONS = [
    ("strategic-fit", "Strategic fit and political commitment", [
        ("strategy-link",
         "Is the project named in an adopted city strategy, such as a climate plan, SECAP or mobility plan?",
         "Quote the strategy, the measure and the page. Investors and EU facilities look for "
         "projects that a council already wants, not ideas that compete for attention.",
         "The adopted strategy document and the council decision that approved it.",
         4, True),
        ("council-mandate",
         "Has the council or the board of the promoting body given a formal mandate to prepare the project?",
         "A mandate to prepare (not yet to invest) is enough at this stage. Note the date and "
         "the body that decided.",
         "Minutes or a resolution with the mandate and the responsible department.",
         5, True),
        ("budget-line",
         "Is there a budget line for project preparation in this year's or next year's budget?",
         "Preparation costs (studies, advisers, tender documents) are often 3-8% of the "
         "investment. Show that they are covered.",
         "Extract of the adopted or draft budget showing the preparation line.",
         3, True),
    ]),
    ("scope-outputs", "Scope and outputs", [
        ("scope-defined",
         "Are the project's boundaries, components and physical outputs described in measurable terms?",
         "State what will exist when the project ends: kilometres, buildings, kW, devices, users. "
         "List what is explicitly out of scope.",
         "A scope statement or project charter with a list of outputs and quantities.",
         4, True),
        ("site-known",
         "Are the sites or assets where the project takes place identified?",
         "Name addresses, districts or asset registers. Unknown sites make cost and permit "
         "estimates guesses.",
         "A map or list of sites and the owner of each.",
         3, True),
    ]),
    ("technical-maturity", "Technical maturity", [
        ("proven-technology",
         "Has the chosen technology been deployed at a comparable scale elsewhere (TRL 8 or higher)?",
         "Point to reference projects in Explore or elsewhere with similar size and climate. "
         "First-of-a-kind technology needs a pilot phase and usually grant money first.",
         "References to at least two comparable deployments, with operating results.",
         4, True),
        ("feasibility-study",
         "Has a technical feasibility study or pre-design been completed within the last three years?",
         "A study older than three years rarely reflects current prices and technology; update it "
         "before approaching lenders.",
         "The feasibility study or pre-design report, with its date and author.",
         5, True),
        ("cost-estimate",
         "Is the investment cost estimated from quotes, benchmarks or a cost engineer, with a contingency?",
         "Separate capital and operating costs and add a contingency (10-20% at feasibility "
         "stage). Say where each figure comes from.",
         "A cost breakdown with sources and the contingency shown as its own line.",
         4, True),
    ]),
    ("legal-permits", "Legal, regulatory, permits and land", [
        ("legal-basis",
         "Does the promoter have the legal competence to carry out and finance this project?",
         "Some measures (e.g. energy sales, borrowing above a cap) need another body's consent "
         "or a special-purpose company. Check this before the financial structure is fixed.",
         "A legal note on the promoter's competences and any approvals still needed.",
         4, True),
        ("permits-mapped",
         "Are all permits and licences listed, with their issuing authority and expected timing?",
         "Include planning, environmental, grid connection and traffic permits. Mark which are "
         "obtained, applied for, or not yet started.",
         "A permit register with status and dates.",
         3, True),
        ("land-secured",
         "Is the land or building access secured (ownership, lease, easement or agreement)?",
         "Lenders will not finance assets on land the project cannot use for the whole loan term.",
         "Title deeds, lease agreements or signed letters of intent from owners.",
         4, True),
    ]),
    ("business-model", "Business model and revenues", [
        ("revenue-sources",
         "Are the revenue sources (fees, tariffs, savings, availability payments) identified and quantified?",
         "Say who pays, how much, how often and on what legal basis. Avoided costs count when "
         "they are measured against a baseline.",
         "A revenue model with volumes and prices, and the assumptions behind them.",
         5, True),
        ("offtake-secured",
         "Are the main payers or users committed, for example through letters of intent or offtake agreements?",
         "One signed anchor customer is worth more than a long list of likely users.",
         "Letters of intent, framework agreements or user surveys with response rates.",
         3, False),
        ("operating-model",
         "Is it decided who operates and maintains the assets after construction, and how that is paid for?",
         "Many city projects fail in year three because maintenance was never budgeted. Name the "
         "operator and the budget line or contract.",
         "An operation and maintenance plan with yearly costs.",
         4, True),
    ]),
    ("financial-model", "Financial model and financing structure", [
        ("cash-flow-model",
         "Is there a cash-flow model over the asset's lifetime with NPV, IRR and payback?",
         "Use constant or nominal prices consistently and state the discount rate. Include "
         "replacement costs for components with a shorter life.",
         "The spreadsheet model (xlsx or ods) with an assumptions sheet.",
         5, True),
        ("financing-plan",
         "Is the financing plan complete: every source, amount and status (secured, applied, planned)?",
         "Sources should add up to the total investment. Show own funds separately from grants, "
         "loans and private capital.",
         "A sources-and-uses table and any commitment letters already received.",
         5, True),
        ("sensitivity",
         "Has the model been tested against higher costs, lower revenues and delays?",
         "At least: +20% investment cost, -20% revenue, one year's delay. Show whether debt can "
         "still be served.",
         "A sensitivity or scenario sheet in the financial model.",
         3, True),
        ("debt-capacity",
         "Has the promoter checked its borrowing capacity or credit rating for the debt it plans to take?",
         "Municipal debt caps, balance-sheet limits or a missing rating often decide the structure "
         "(own borrowing, special-purpose vehicle, EPC or PPP).",
         "A statement from the finance department or the latest rating report.",
         3, False),
    ]),
    ("promoter-capacity", "Promoter capacity", [
        ("project-team",
         "Is a project manager named, with a team that has the technical, legal and financial skills needed?",
         "Name the people and the share of their time. Where skills are missing, say whether "
         "advisers will be hired and how they are paid.",
         "An organisation chart of the project with names and time allocations.",
         4, True),
        ("track-record",
         "Has the promoter delivered an investment project of similar size in the last ten years?",
         "If not, a partner with that experience (a utility, a public development bank, an "
         "experienced city) reduces the risk investors see.",
         "A short list of past projects with size, year and outcome.",
         3, True),
    ]),
    ("risks", "Risks and mitigation", [
        ("risk-register",
         "Is there a risk register covering construction, demand, technology, financial and political risks?",
         "Score each risk by likelihood and impact and name an owner. The plan's own risk list "
         "is a good start.",
         "The risk register with scores, owners and mitigation measures.",
         4, True),
        ("risk-allocation",
         "Is it clear which party carries each major risk, and is that written into contracts or agreements?",
         "Risks should sit with the party best able to manage them. Lenders check who carries "
         "cost overruns and demand shortfalls.",
         "A risk allocation matrix or the relevant contract clauses.",
         3, True),
    ]),
    ("environmental-social", "Environmental and social impact", [
        ("environmental-assessment",
         "Has the need for an environmental impact assessment been screened, and has one been done where required?",
         "EU-funded projects must also show they do no significant harm to the six EU "
         "environmental objectives.",
         "The screening decision or the assessment, and a 'do no significant harm' note.",
         3, True),
        ("climate-benefit",
         "Are the expected greenhouse gas savings or climate adaptation benefits quantified?",
         "Give tonnes of CO2-equivalent per year and the method used. Green bonds and most EU "
         "facilities ask for this figure.",
         "A calculation with the baseline, method and emission factors.",
         4, True),
        ("social-effects",
         "Have effects on affordability, accessibility and vulnerable groups been assessed?",
         "Think of tariff increases, construction nuisance, digital exclusion and displacement.",
         "A short social impact note with the groups affected and the measures planned.",
         2, False),
    ]),
    ("stakeholders", "Stakeholder and citizen engagement", [
        ("stakeholder-map",
         "Are the key stakeholders mapped with their interest, influence and position on the project?",
         "Include utilities, neighbouring municipalities, businesses, residents and opponents.",
         "A stakeholder map or list, for example from this plan's dialogue.",
         3, True),
        ("citizen-engagement",
         "Have citizens been consulted, and is their feedback reflected in the design?",
         "Describe what was asked, how many took part and what changed as a result.",
         "Consultation reports, survey results or minutes of public meetings.",
         3, True),
        ("partner-commitment",
         "Have the partners needed for delivery confirmed their role in writing?",
         "A memorandum of understanding is enough at this stage; a contract comes later.",
         "Signed letters of commitment or memoranda of understanding.",
         3, False),
    ]),
    ("procurement", "Procurement plan", [
        ("procurement-route",
         "Is the procurement route chosen (open, competitive dialogue, innovation partnership, PPP, joint procurement) and justified?",
         "The route depends on how well you can specify the solution. Innovative solutions often "
         "need pre-commercial or innovation procurement.",
         "A procurement strategy note and the applicable thresholds under EU rules.",
         4, True),
        ("procurement-timeline",
         "Is there a timeline from tender publication to contract signature that fits the planned start?",
         "Allow for standstill periods and possible appeals. Large tenders often take 9-18 months.",
         "A procurement timeline with milestones.",
         3, True),
        ("market-consultation",
         "Has a preliminary market consultation been held to test the specification and budget?",
         "Talking to suppliers before the tender is allowed when it is documented and open to all.",
         "A summary of the market consultation and the suppliers who took part.",
         2, False),
    ]),
    ("kpis-monitoring", "KPIs, baseline and monitoring", [
        ("kpis-defined",
         "Are the project's KPIs defined with a measured baseline and a target year?",
         "Use the indicators in Explore where they fit, so results compare with other cities.",
         "The impact targets of this plan with baseline data and sources.",
         4, True),
        ("monitoring-plan",
         "Is there a monitoring plan saying who measures what, how often, and who pays for it?",
         "Lenders and EU facilities often require yearly reporting for the life of the loan or grant.",
         "A monitoring and reporting plan with responsibilities and budget.",
         3, True),
    ]),
    ("scalability", "Scalability and replication", [
        ("scale-up-path",
         "Is there a path to extend the project to more sites or districts once it works?",
         "Investors prefer a pipeline to a one-off. Bundling small projects also opens "
         "facilities with high minimum sizes.",
         "A scale-up scenario with the number of sites and the investment each would need.",
         2, False),
        ("replication-package",
         "Will the project document its designs, contracts and results so other cities can reuse them?",
         "Open specifications and standard contracts lower the cost of the next project, here "
         "and elsewhere.",
         "A plan for publishing documents, for example as a reference project in Explore.",
         2, False),
    ]),
    ("eligibility", "Eligibility for financing facilities", [
        ("portal-eligibility",
         "Is the total project cost at least EUR 1 million and is construction expected to start within three years?",
         "These are the conditions for listing on the European Investment Project Portal, now the "
         "InvestEU Portal (which accepts projects from EUR 500,000).",
         "The cost estimate and a schedule showing the construction start date.",
         3, True),
        ("facilities-screened",
         "Have you checked which EU and national facilities fit the project (e.g. ELENA, EU City Facility, InvestEU, structural funds)?",
         "ELENA supports energy and transport programmes of about EUR 30 million and more; the EU "
         "City Facility gives municipalities EUR 60,000 to build an investment concept.",
         "A short list of facilities with the eligibility conditions checked for each.",
         3, True),
        ("state-aid",
         "Has the financing been checked against EU state-aid rules?",
         "Public money to an economic activity can be state aid. The General Block Exemption "
         "Regulation or a service-of-general-interest mandate often covers it, but check first.",
         "A state-aid assessment or a legal opinion.",
         3, True),
    ]),
]


def load_reference_data(apps, schema_editor):
    Instrument = apps.get_model("shape", "Instrument")
    ChecklistTemplate = apps.get_model("shape", "ChecklistTemplate")
    ChecklistDimension = apps.get_model("shape", "ChecklistDimension")
    ChecklistItem = apps.get_model("shape", "ChecklistItem")

    for position, (code, name, description) in enumerate(INSTRUMENTS, start=1):
        Instrument.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )

    # Only the first load makes version 1 current: a curator may have moved on since.
    another_is_current = ChecklistTemplate.objects.filter(is_current=True).exists()
    template, _created = ChecklistTemplate.objects.update_or_create(
        name=TEMPLATE_NAME,
        version=TEMPLATE_VERSION,
        defaults={"notes": "The first bankability checklist."},
        create_defaults={
            "notes": "The first bankability checklist.",
            "is_current": not another_is_current,
        },
    )
    for dimension_position, (dimension_code, title, items) in enumerate(DIMENSIONS, start=1):
        dimension, _created = ChecklistDimension.objects.update_or_create(
            template=template,
            code=dimension_code,
            defaults={"title": title, "position": dimension_position},
        )
        for item_position, (code, question, guidance, evidence, weight, mandatory) in enumerate(
            items, start=1
        ):
            ChecklistItem.objects.update_or_create(
                dimension=dimension,
                code=code,
                defaults={
                    "question": question,
                    "guidance": guidance,
                    "evidence_expected": evidence,
                    "weight": weight,
                    "mandatory": mandatory,
                    "position": item_position,
                },
            )


def unload_reference_data(apps, schema_editor):
    Instrument = apps.get_model("shape", "Instrument")
    ChecklistTemplate = apps.get_model("shape", "ChecklistTemplate")
    # Items are protected by answers: going back fails loudly once plans were assessed.
    ChecklistTemplate.objects.filter(name=TEMPLATE_NAME, version=TEMPLATE_VERSION).delete()
    Instrument.objects.filter(code__in=[code for code, _name, _description in INSTRUMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("shape", "0001_plans")]

    operations = [migrations.RunPython(load_reference_data, unload_reference_data)]
