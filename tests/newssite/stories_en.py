"""English stories of both outlets, written for this test site (all people and most places are fictional)."""

from __future__ import annotations

from tests.newssite.model import Article, Comment, InlineLink, Rewrite
from tests.newssite.urls import HARBOUR, MERIDIAN

PORT_STRIKE = Article(
    outlet=HARBOUR,
    slug="port-workers-strike-enters-third-day",
    uid=48213,
    lang="en",
    section="business",
    title="Port workers strike enters third day",
    standfirst="More than forty cargo ships are waiting at anchor as the dispute over automation drags on.",
    authors=("Martha Quayle",),
    published="2026-11-18T06:42:00+00:00",
    modified="2026-11-18T09:15:00+00:00",
    tags=("Port of Saltmere", "Strikes", "Shipping"),
    paragraphs=(
        "The strike at the Port of Saltmere entered its third day on Wednesday, with more than forty cargo ships now waiting at anchor in the outer roads. No new talks have been scheduled between the union and the port operator, and each side accused the other of refusing to compromise.",
        "Around 1,900 crane operators, lashers and tally clerks walked out on Monday morning after negotiations over shift patterns and a new automated gate system broke down late on Sunday night. The Saltmere Dockers' Union says the system would cut more than two hundred jobs over five years, a figure the operator, Calloway Terminals, disputes.",
        'Picket lines were calm but crowded at the main gate on Ferry Road, where workers gathered around braziers before dawn. "Nobody wants to be out here in November," said Tomas Reyne, a crane driver with nineteen years at the port. "But if we go back now, we will never get another chance to talk about how this machinery is brought in."',
        "It is the first all-out strike at the port since 1989, when a dispute over casual labour closed the docks for six weeks. Older workers on the picket line said the mood was calmer this time, but that the stakes felt just as high for families who have worked on the quays for generations.",
        "Calloway Terminals said in a statement that it remained committed to a negotiated settlement and that no permanent positions would be lost as a result of the gate upgrade. The company has offered a retraining fund worth 4.5 million pounds and a guarantee on staffing levels until the end of 2028, an offer the union described as a good start but not enough.",
        "The effects of the stoppage are spreading beyond the waterfront. Hauliers report that trucks are queuing for up to nine hours on the ring road, and two supermarket chains said deliveries of fresh fruit to stores across the region could be disrupted by the weekend. The Saltmere Chamber of Commerce estimated the cost to local businesses at about three million pounds a day, and at least one container line has announced a congestion surcharge for cargo bound for the city.",
        'The city\'s mayor, Helen Ashdown, urged both sides to return to the table and offered the council chamber as a neutral venue. "The port is the beating heart of this city, and every day it stands still we all lose a little," she told reporters outside the town hall on Tuesday evening.',
        "Some shipping lines have started to divert vessels to Eastbridge, about ninety miles up the coast, where port officials warned that their own quays are close to capacity.",
        "The union has said it will ballot members next week on extending the action into December if no agreement is reached. A spokesperson for the national conciliation service confirmed that it had been in contact with both parties and was ready to help arrange talks as early as Thursday.",
    ),
    comments=(
        Comment(
            author="Geoff from Northgate",
            posted="2026-11-18T08:03:00+00:00",
            text="My brother has worked on those cranes for twenty years and he says the new gates were never properly explained to anyone on the floor. Good luck to them.",
        ),
        Comment(
            author="harbourwatcher",
            posted="2026-11-18T09:47:00+00:00",
            text="Meanwhile the rest of us sit in traffic on the ring road for hours. Both sides need to get in a room and sort it out before Christmas.",
        ),
    ),
)

CITY_BUDGET = Article(
    outlet=HARBOUR,
    slug="city-council-approves-budget-with-cuts-to-library-hours",
    uid=47902,
    lang="en",
    section="local",
    title="City council approves budget with cuts to library hours",
    standfirst="Six branch libraries will open four days a week as Saltmere closes an 11 million pound gap.",
    authors=("Owen Tregarth",),
    published="2026-11-05T22:10:00+00:00",
    modified="2026-11-06T08:30:00+00:00",
    tags=("City council", "Libraries", "Budget"),
    paragraphs=(
        "Saltmere City Council approved its budget for the coming year on Thursday night after a four-hour debate, agreeing to shorten opening hours at six branch libraries in order to close a shortfall of 11 million pounds.",
        "The plan, passed by 31 votes to 22, raises council tax by 4.9 percent, the maximum allowed without a local referendum, and draws down 3 million pounds from reserves. Bus passes for pensioners, street cleaning and the winter homelessness shelter were protected from cuts after a late amendment from the finance committee.",
        "Libraries bore the heaviest burden. From April, the branches in Northgate, Fennick Hill, Dunmore, Sallow Park, Windle and the Old Quay will open four days a week instead of six, while the central library keeps its current hours. Council officers estimate the change will save about 900,000 pounds a year.",
        'Opposition councillors said the cuts would fall hardest on families without internet at home and on older residents who rely on branch libraries for company as much as for books. "A library that is closed on a Tuesday is a library that a child cannot do homework in," said Councillor Priya Maddox, who led a petition signed by more than 8,000 people.',
        "The council leader, Graham Wolde, said the authority had no good options after the cost of adult social care rose by almost a fifth in two years. He promised that volunteers would be allowed to run reading groups and homework clubs during the closed hours and that the decision would be reviewed in twelve months.",
        "The budget also sets aside money for repairs to the harbour wall, damaged during storms last winter, and for a feasibility study into a new tram line along the waterfront. Both projects depend on grants from central government that have not yet been confirmed.",
    ),
)

# The slug this story was first published under, before its headline was rewritten.
CITY_BUDGET_OLD_SLUG = "city-budget-shortfall-looms"

DREDGING_AUDIT = Article(
    outlet=HARBOUR,
    slug="harbour-dredging-costs-double-audit-finds",
    uid=48105,
    lang="en",
    section="business",
    title="Harbour dredging costs double, audit finds",
    standfirst="Auditors say the port authority never tested cheaper ways of keeping the channel open.",
    authors=("Martha Quayle", "Owen Tregarth"),
    published="2026-11-16T11:05:00+00:00",
    modified="2026-11-16T11:05:00+00:00",
    tags=("Port of Saltmere", "Audit", "Environment"),
    paragraphs=(
        "The cost of keeping the shipping channel into Saltmere deep enough for modern container ships has more than doubled in five years, according to an audit published on Monday by the city's public accounts office.",
        "Dredging contracts that cost the port authority 6.2 million pounds in 2021 came to 13.4 million pounds last year, the audit found. Auditors blamed heavier silt loads after a series of wet winters, rising fuel prices and a decision to deepen the channel by a metre in 2023 to allow larger vessels to berth at the new eastern terminal.",
        "The report adds to pressure on the city's finances, which are already stretched after a difficult budget round. Read more: City council report on the budget and library cuts. The auditors said the port authority had not tested whether cheaper methods, such as moving silt traps further upstream, could reduce the need for dredging.",
        'Officials at the port authority accepted most of the recommendations but rejected a suggestion that the eastern terminal be partly closed to larger ships during the winter months. "Our customers chose Saltmere because we can take the biggest vessels afloat, and we intend to keep it that way," said the authority\'s chief engineer, Colm Haverty.',
        "Environmental groups welcomed the audit. The Saltmere Estuary Trust said the dredged material, most of which is dumped at sea eleven miles offshore, could instead be used to rebuild salt marshes that protect the lower town from flooding. A pilot project along the south bank used about 40,000 cubic metres of silt last year.",
        "The public accounts committee will question port officials on the findings at a hearing on 2 December. The committee chair, Anneliese Okafor, said she wanted to know why the cost increases had not been reported to councillors earlier.",
    ),
    inline_link=InlineLink(
        paragraph=2,
        text="City council report on the budget and library cuts",
        target_slug=CITY_BUDGET.slug,
    ),
)

DERBY = Article(
    outlet=HARBOUR,
    slug="saltmere-rovers-snatch-late-winner-against-eastbridge",
    uid=48012,
    lang="en",
    section="sport",
    title="Saltmere Rovers snatch late winner against Eastbridge",
    standfirst="Substitute Danny Okoro heads in a stoppage-time corner to settle a scrappy coastal derby.",
    authors=("Bea Lindley",),
    published="2026-11-14T18:20:00+00:00",
    modified="2026-11-14T19:02:00+00:00",
    tags=("Saltmere Rovers", "Football"),
    paragraphs=(
        "Saltmere Rovers came from behind to beat their coastal rivals Eastbridge Athletic 2-1 at the Quayside Ground on Saturday, with substitute Danny Okoro heading the winner in the fourth minute of stoppage time.",
        "Eastbridge had the better of a scrappy first half and took the lead after 34 minutes when their captain, Lewis Harkin, curled a free kick over the wall and inside the near post. Rovers goalkeeper Sam Pettigrew got a hand to the ball but could not keep it out.",
        "The home side improved after the break. Manager Ruth Calder switched to a back three and sent on two wingers, and the pressure told on 67 minutes when Marcus Bell turned in a low cross from the left at the far post to make it 1-1. The crowd of 11,432 was the largest at the ground this season.",
        "Both teams hit the woodwork in a frantic final quarter of an hour. Eastbridge thought they had restored their lead when a second free kick from Harkin struck the bar, and Rovers defender Elliot Vance saw a header cleared off the line with five minutes left.",
        "The winner came from a corner. Bell swung the ball into a crowded six-yard box, and Okoro, on the pitch for less than ten minutes, rose above two defenders to nod it in. He ran to the away end with a finger to his lips and was booked for his celebration.",
        '"It was not pretty, but derbies never are," Calder said afterwards. "The players showed real character today. We have lost points late in games too many times this season, so it is nice to be on the other side of it for once."',
        "The result lifts Rovers to sixth in the table, two points outside the play-off places, while Eastbridge drop to ninth. Rovers travel to Milbrook next Saturday, and Eastbridge host the league leaders, Castleford Town.",
    ),
)

MUSEUM = Article(
    outlet=HARBOUR,
    slug="maritime-museum-reopens-after-four-year-renovation",
    uid=47951,
    lang="en",
    section="culture",
    title="Maritime museum reopens after four-year renovation",
    standfirst="A restored pilot cutter now stands in the main hall of the old customs warehouse.",
    authors=("Rosa Pembury",),
    published="2026-11-10T13:00:00+00:00",
    modified="2026-11-10T16:45:00+00:00",
    tags=("Museums", "Old Harbour"),
    paragraphs=(
        "The Saltmere Maritime Museum reopened its doors on Tuesday after a four-year renovation that has doubled its exhibition space and brought hundreds of objects out of storage for the first time in decades.",
        "Visitors queued along the quay from early morning to see the restored building, a former customs warehouse dating from 1846. The 28 million pound project replaced the leaking roof, opened up the cellars as galleries and added a glass walkway that links the museum to the old dry dock next door.",
        "The centrepiece of the new displays is the Margaret Ellen, a wooden pilot cutter built in the city in 1902, which has been lifted into the main hall and can be boarded by visitors. Curators spent two years restoring the boat, replacing rotten planks with timber from the same species of oak used by the original builders.",
        "Other galleries tell the story of the port's fishing fleet, its emigrant ships and the women who worked in the net lofts and canneries along the waterfront. A new room is devoted to the city's seafarers from West Africa and the Caribbean, whose contribution the museum's director, Ines Calloway, said had been \"left out of the story for far too long\".",
        "Admission to the permanent collection remains free, although the museum will charge for temporary exhibitions. The first of these, a collection of ship portraits painted by sailors on long voyages, runs until March.",
        "Local businesses hope the reopening will bring more visitors to the old harbour district, where several cafes and shops closed during the years of building work. The museum expects about 300,000 visitors in its first year, almost twice the number it received before it closed.",
    ),
    comments=(
        Comment(
            author="Sheila Morrow",
            posted="2026-11-10T18:12:00+00:00",
            text="Took the grandchildren this afternoon and they would not come off the pilot boat. Lovely to see the old warehouse full of people again.",
        ),
    ),
)

STORM = Article(
    outlet=HARBOUR,
    slug="storm-ilse-brings-flooding-to-lower-town",
    uid=47988,
    lang="en",
    section="local",
    title="Storm Ilse brings flooding to lower town",
    standfirst="About 200 people spent the night in a rest centre after the sea came over the harbour wall.",
    authors=("Daniel Achebe",),
    published="2026-11-12T07:30:00+00:00",
    modified="2026-11-12T17:50:00+00:00",
    tags=("Weather", "Flooding", "Storm Ilse"),
    paragraphs=(
        "Storm Ilse brought gusts of up to 78 miles per hour and heavy flooding to the lower town of Saltmere overnight, forcing about 200 people from their homes and closing the coast road for most of Wednesday.",
        "Sea water overtopped the harbour wall at high tide shortly after two in the morning, flooding streets around Fishmarket Square to a depth of almost a metre. Firefighters used boats to reach residents in Tanner's Row and Salt Lane, and an emergency rest centre was opened at the Northgate leisure centre.",
        "No serious injuries were reported, but the storm brought down trees across the city and left around 14,000 homes without electricity at its peak. The power company said most customers had been reconnected by the evening, although some rural properties north of the estuary could wait until Friday.",
        "The weather service said Ilse was the strongest storm to hit the coast in November for more than twenty years. A combination of a spring tide, low pressure and strong onshore winds pushed the sea about 1.2 metres above its predicted height.",
        'Residents in the lower town said the flooding had come faster than in previous storms. "We had sandbags at the door, but the water came up through the drains," said Maureen Tilley, who has run a newsagent on Salt Lane for thirty years. "By three o\'clock it was over the counter."',
        'Council crews began clearing debris and pumping out basements on Wednesday afternoon. The council said a long-planned upgrade of the harbour wall, which still needs government funding, had become "more urgent than ever". Forecasters expect calmer weather by the weekend, with a further band of rain possible on Sunday.',
    ),
)

NIGHT_FERRY = Article(
    outlet=HARBOUR,
    slug="night-ferry-to-holm-island-to-return-in-spring",
    uid=47877,
    lang="en",
    section="local",
    title="Night ferry to Holm Island to return in spring",
    standfirst="Two late crossings will run each evening under a five-year subsidised contract.",
    authors=("Daniel Achebe",),
    published="2026-11-08T10:25:00+00:00",
    modified="2026-11-08T10:25:00+00:00",
    tags=("Holm Island", "Ferries", "Transport"),
    paragraphs=(
        "The night ferry between Saltmere and Holm Island will return next spring after a break of three years, the island council announced on Friday, following a campaign by residents who say the lack of a late crossing has cut them off from jobs, hospital visits and evenings out on the mainland.",
        "The service was suspended in 2023 when the previous operator withdrew, citing falling passenger numbers and the cost of crewing the vessel overnight. Since then, the last boat has left the mainland at half past seven in the evening, leaving islanders who work late shifts to stay in the city or pay for a private water taxi.",
        "Under the new contract, a smaller and more fuel-efficient vessel will make two extra crossings each evening, leaving Saltmere at half past nine and at a quarter to midnight. The island council will subsidise the service with 1.1 million pounds a year for five years, with the rest of the cost covered by fares.",
        '"This is the best news we have had on the island for a long time," said Fiona Garrick, a nurse at Saltmere General Hospital who has spent many nights on a friend\'s sofa after evening shifts. "It means I can get home to my children."',
        "Some residents questioned whether the late crossings would attract enough passengers to survive beyond the five-year contract. The island's population has fallen to about 2,400, and the council admitted that the service would need a steady rise in summer tourist traffic to cover its costs.",
        "The first night sailing is expected in April, once crew training and safety trials have been completed. Tickets will cost the same as daytime fares, and islanders with a resident's card will travel at half price.",
    ),
)

# Hidden until NewsSite.publish(): the stories an incremental re-crawl must pick up.
BRIDGE_CLOSED = Article(
    outlet=HARBOUR,
    slug="holm-bridge-closed-after-barge-strikes-pier",
    uid=48301,
    lang="en",
    section="local",
    title="Holm Bridge closed after barge strikes pier",
    standfirst="Engineers are inspecting the 1930s road bridge after a collision in fog.",
    authors=("Daniel Achebe",),
    published="2026-11-21T07:55:00+00:00",
    modified="2026-11-21T12:40:00+00:00",
    tags=("Holm Island", "Transport"),
    paragraphs=(
        "The Holm Bridge, the only road link between Saltmere and Holm Island, was closed to all traffic on Saturday morning after a gravel barge struck one of its piers in thick fog.",
        "The barge, which was travelling upriver from the quarry at Brannock Point, hit the third pier from the island side at about six o'clock. Nobody on board was hurt, and the vessel was later towed to a berth in the inner harbour, where it is being examined by marine accident investigators.",
        "Council engineers spent the morning inspecting the pier from boats and from a cradle lowered from the deck. Early checks found cracks in the stone facing and some movement in the bearings that carry the road, and the council said the bridge would remain closed until divers had examined the foundations.",
        "The closure means that the roughly 2,400 people who live on the island must rely on the ferry to reach the mainland. The ferry operator added four extra crossings during the day and said it would run a shuttle every half hour on Monday morning to help commuters and schoolchildren.",
        '"We know this is a huge disruption, and we will not reopen the bridge until we are sure it is safe," said the council\'s head of highways, Joanna Petrie. She said a decision on whether to allow pedestrians and cyclists back across could be made early next week.',
        "The bridge, which opened in 1934, was strengthened in the 1990s and passed its last full inspection in the spring. Islanders have campaigned for years for a second crossing, and several said the accident showed how fragile their link to the mainland had become.",
    ),
    hidden=True,
)

SCHOOL_MEALS = Article(
    outlet=HARBOUR,
    slug="free-school-meals-to-be-offered-to-every-primary-pupil",
    uid=48307,
    lang="en",
    section="local",
    title="Free school meals to be offered to every primary pupil",
    standfirst="The scheme will be paid for from the public health budget and a local business levy.",
    authors=("Owen Tregarth",),
    published="2026-11-21T12:30:00+00:00",
    modified="2026-11-21T12:30:00+00:00",
    tags=("Schools", "City council"),
    paragraphs=(
        "Every primary school pupil in Saltmere will be offered a free hot lunch from next September under plans announced by the city council on Saturday, making it one of the first cities in the country to provide universal free meals for younger children.",
        "At present, only children from families on the lowest incomes qualify, and teachers say many pupils whose parents earn slightly too much arrive at school without lunch or with little more than a packet of crisps. About 9,600 children in the city's 41 primary schools will be eligible under the new scheme.",
        "The council estimates that the programme will cost around 6 million pounds a year. Most of the money will come from the public health budget, with the rest raised through a small levy on large businesses in the city centre that was approved earlier this year.",
        '"A hungry child cannot learn," said the council\'s education lead, Councillor Nadia Fenwick. "This is not a luxury. It is one of the simplest things we can do to improve health and results in our schools at the same time."',
        "Head teachers welcomed the plan but warned that several older schools lacked kitchens big enough to cook for every pupil. The council said it would spend 2 million pounds on new equipment and that some meals would be prepared in central kitchens and delivered to schools in heated containers.",
        "Opposition councillors said they supported the aim but questioned whether the levy would raise as much as expected in a difficult year for city centre businesses. The plans will be debated at a full council meeting in January.",
    ),
    hidden=True,
)

NEW_STRIKER = Article(
    outlet=HARBOUR,
    slug="saltmere-rovers-sign-veteran-striker-on-short-term-deal",
    uid=48312,
    lang="en",
    section="sport",
    title="Saltmere Rovers sign veteran striker on short-term deal",
    standfirst="Former international Karl Ostrander joins until the end of the season.",
    authors=("Bea Lindley",),
    published="2026-11-22T10:10:00+00:00",
    modified="2026-11-22T10:10:00+00:00",
    tags=("Saltmere Rovers", "Football", "Transfers"),
    paragraphs=(
        "Saltmere Rovers have signed the former international striker Karl Ostrander on a contract until the end of the season, giving manager Ruth Calder an experienced option up front as the club pushes for a place in the play-offs.",
        "Ostrander, who is 35, has been without a club since leaving Castleford Town in the summer but has been training with Rovers for the past three weeks. He scored more than 140 league goals during a career that took him to clubs in four countries and earned him eleven caps.",
        '"Karl knows where the goal is, and he knows how to look after younger players on the pitch," Calder said. "We have created plenty of chances this season without taking enough of them. He gives us something different when we need a goal late in a game."',
        "Rovers have been short of forwards since their top scorer, Marcus Bell, picked up a hamstring injury in training last week. Bell is expected to be out for at least a month, and the club's other senior striker has scored only twice since August.",
        "The club did not disclose the terms of the deal but said it had been made possible by a recent rise in season ticket sales. Crowds at the Quayside Ground have increased by about a fifth this season, helped by a run of home wins and cheaper tickets for under-eighteens.",
        "Ostrander could make his debut at home to Milbrook next Saturday, subject to international clearance. He said he had chosen Rovers because the club reminded him of the one where he started his career, close to the sea and with supporters who expect the team to fight for every ball.",
    ),
    hidden=True,
)

ELECTION = Article(
    outlet=MERIDIAN,
    slug="valdoria-votes-in-tight-presidential-run-off",
    uid=7408815,
    lang="en",
    section="world",
    title="Valdoria votes in tight presidential run-off",
    standfirst="A former central banker faces the populist mayor of the capital in a race polls cannot call.",
    authors=("Lucia Ferrand",),
    published="2026-11-15T16:40:00+00:00",
    modified="2026-11-15T19:05:00+00:00",
    tags=("Valdoria", "Elections"),
    paragraphs=(
        "Voters in Valdoria went to the polls on Sunday in a presidential run-off that opinion surveys suggest is too close to call, pitting the former central bank governor Elena Marchetti against the populist mayor of the capital, Rafael Duarte.",
        "Polling stations in the mountain republic opened at seven in the morning, and the electoral commission reported turnout of 58 percent by mid-afternoon, higher than at the same point in the first round three weeks ago. Long queues formed outside schools and town halls in the capital, Montebrava, where many voters waited more than an hour in the cold.",
        "Marchetti, who won 41 percent in the first round, has campaigned on restoring the country's finances after two years of high inflation and a row with international lenders over the pension system. She has promised to keep the currency pegged to the euro and to cut the number of government ministries by a third.",
        "Duarte, who finished just two points behind, has drawn large crowds with promises to freeze electricity prices, cancel a planned rise in the retirement age and put mining contracts with foreign companies to a referendum. His opponents accuse him of making promises the state cannot afford.",
        "The campaign has been bitter. Both candidates accused the other of spreading false claims on social media, and the electoral commission fined two television channels for breaking rules on balanced coverage. International observers said the first round had been well run but criticised the use of state resources in campaigning.",
        "Preliminary results are expected around midnight local time. Whoever wins will take office in January and face a parliament in which no party holds a majority, making coalition deals all but unavoidable.",
    ),
)

WATER_VAPOUR = Article(
    outlet=MERIDIAN,
    slug="astronomers-detect-water-vapour-in-disc-around-young-star",
    uid=7406120,
    lang="en",
    section="science",
    title="Astronomers detect water vapour in disc around young star",
    standfirst="The finding suggests that water reaches the zone where rocky planets form early on.",
    authors=("Priya Natarajan",),
    published="2026-11-11T09:00:00+00:00",
    modified="2026-11-11T09:00:00+00:00",
    tags=("Astronomy", "Planets"),
    paragraphs=(
        "Astronomers have detected large amounts of water vapour in the inner region of a disc of gas and dust around a young star, a finding that could help explain how rocky planets like Earth come to have oceans.",
        "The star, known as HD 48291, lies about 450 light years away in the constellation of Taurus and is thought to be less than two million years old. Using observations from a space telescope taken over three nights last winter, the team measured the chemical fingerprints of water molecules within a few hundred million kilometres of the star, the region where rocky planets are expected to form.",
        '"We see enough water in this zone to fill the oceans of Earth several hundred times over," said Amara Lindqvist of the Northern Institute of Astrophysics, who led the study. "What surprised us is how warm it is. The water is a gas at more than 400 degrees, so it is being released from icy pebbles that drift inwards from the colder outer disc."',
        "Scientists have long debated whether Earth was born with its water or received it later from comets and asteroids. The new observations support the idea that icy material can be carried into the inner parts of a planet-forming disc early on, making water available to young planets while they are still growing.",
        "The researchers caution that a single system cannot settle the question. They plan to study a further twenty young stars over the next two years to find out whether the water-rich inner disc of HD 48291 is typical or unusual.",
        "The findings were published on Wednesday in the journal Planetary Science Letters. An independent astronomer, Hugo Brandt, said the measurements were impressive and described the result as an important step towards understanding where the water in planetary systems comes from.",
    ),
)

COFFEE = Article(
    outlet=MERIDIAN,
    slug="coffee-prices-climb-to-ten-year-high-after-poor-harvest",
    uid=7404477,
    lang="en",
    section="business",
    title="Coffee prices climb to ten-year high after poor harvest",
    standfirst="Roasters warn of higher shelf prices in the new year as warehouse stocks run low.",
    authors=("Kofi Mensah",),
    published="2026-11-09T07:30:00+00:00",
    modified="2026-11-09T15:10:00+00:00",
    tags=("Commodities", "Coffee", "Markets"),
    paragraphs=(
        "The price of arabica coffee rose to its highest level in ten years on Monday after growers in several major producing countries reported smaller harvests than expected, adding to pressure on roasters and cafes already struggling with higher costs.",
        "Futures for delivery in March climbed 6 percent in early trading to 3.42 dollars per pound before easing slightly in the afternoon. Prices have now risen by more than half since the start of the year.",
        "Traders blamed a long dry spell followed by unseasonal frost in the highland growing regions, which damaged flowers on the trees at a critical stage. Industry estimates suggest the crop will be about 12 percent smaller than last year, the third disappointing harvest in four years.",
        'Large roasting companies have so far absorbed part of the increase, but several said this month that they would raise wholesale prices in the new year. Independent cafes, which buy smaller quantities and have less room to negotiate, are likely to feel the change first. "We have put our prices up twice this year already," said Nadia Ferraz, who runs two coffee shops in the port city of Kessa. "I do not know how many more times customers will accept it."',
        "Analysts said the market was also reacting to low stocks in warehouses certified by the futures exchange, which have fallen to their lowest level since records began. Some expect prices to stay high until at least the middle of next year, when the next main harvest begins.",
        "Growers themselves have seen only part of the benefit. Small farmers' groups say the cost of fertiliser, labour and transport has risen almost as fast as coffee prices, and that many producers sold their crops in advance at lower prices before the rally began.",
    ),
)

GLASS_SPONGE = Article(
    outlet=MERIDIAN,
    slug="deep-sea-survey-finds-new-species-of-glass-sponge",
    uid=7407301,
    lang="en",
    section="science",
    title="Deep-sea survey finds new species of glass sponge",
    standfirst="Vase-shaped sponges more than a metre tall were filmed three kilometres down on a seamount.",
    authors=("Priya Natarajan",),
    published="2026-11-13T11:15:00+00:00",
    modified="2026-11-13T11:15:00+00:00",
    tags=("Oceans", "Biodiversity"),
    paragraphs=(
        "Marine biologists surveying an underwater mountain range in the southern ocean have found a new species of glass sponge growing more than three kilometres below the surface, along with dozens of animals that may also be new to science.",
        "The sponge, which builds delicate vase-shaped skeletons from silica, was filmed by a remotely operated vehicle on the flank of a seamount known as Tern Ridge during a six-week expedition that ended last month. Some of the specimens are more than a metre tall and may be several hundred years old.",
        '"When the lights of the vehicle came up on the slope, it looked like a field of glass lanterns," said Leila Haddad, the chief scientist of the expedition. "We knew straight away that we had not seen anything quite like it before."',
        "Back in the laboratory, researchers compared the structure of the skeleton and the genetic material of the sponge with known species and confirmed that it belongs to a group never before recorded in that part of the ocean. The team has named it after the ridge where it was found.",
        "Glass sponges provide shelter for crabs, shrimp and small fish, and scientists believe the reefs they form are among the oldest living structures on the planet. They are also extremely fragile, and conservation groups have called for seamounts in the region to be protected from bottom trawling and future deep-sea mining.",
        "The expedition collected more than 1,200 samples, which will take several years to study in full. Researchers said footage from the dives would be made public so that other scientists and members of the public could help identify the animals it shows.",
    ),
)

MARATHON = Article(
    outlet=MERIDIAN,
    slug="course-record-falls-at-kessa-marathon",
    uid=7403950,
    lang="en",
    section="sport",
    title="Course record falls at Kessa marathon",
    standfirst="Mercy Wanjiru takes almost a minute off the women's best as cool weather helps the field.",
    authors=("Henrik Solberg",),
    published="2026-11-08T13:20:00+00:00",
    modified="2026-11-08T16:00:00+00:00",
    tags=("Athletics", "Marathon"),
    paragraphs=(
        "Mercy Wanjiru broke the course record at the Kessa marathon on Sunday, finishing in two hours, 18 minutes and 41 seconds as cool, still weather gave the field ideal conditions for fast times.",
        "The 27-year-old ran with a group of four women through halfway and pulled away on the long climb over the harbour bridge after 30 kilometres. She crossed the line almost two minutes ahead of her nearest rival and took 53 seconds off the previous record, set six years ago.",
        "The men's race was far closer. Three runners entered the final kilometre together before Tadesse Alemu, running his first marathon, kicked clear on the cobbled finishing straight to win in two hours, five minutes and 12 seconds, four seconds ahead of the defending champion.",
        '"I did not plan to go so early, but my legs felt good on the bridge and I decided to trust them," Wanjiru said after the race. "The crowds in the old town were unbelievable. It felt like the whole city was out on the streets."',
        "More than 31,000 runners started the race, a record for the event, and organisers said participants had raised about 4 million euros for charity. Medical teams treated around 150 runners, mostly for blisters and cramp, and nobody was taken to hospital with serious problems.",
        "The organisers said they would consider moving the start forward by half an hour next year to allow slower runners to finish before dark. They also confirmed that the route would remain unchanged, despite calls from some elite athletes to remove the bridge climb.",
    ),
)

BUDGET_VOTE = Article(
    outlet=MERIDIAN,
    slug="budget-vote-delayed",
    uid=7409342,
    lang="en",
    section="world",
    title="Budget vote delayed as Orlavian coalition talks stall",
    standfirst="The two governing parties cannot agree how to pay for higher defence spending.",
    authors=("Lucia Ferrand", "Kofi Mensah"),
    published="2026-11-17T16:45:00+00:00",
    modified="2026-11-17T18:20:00+00:00",
    tags=("Orlavia", "Budget", "Politics"),
    paragraphs=(
        "The parliament of Orlavia postponed a vote on next year's budget on Tuesday after the two parties in the governing coalition failed to agree on how to pay for a rise in defence spending, raising the prospect of the country starting the year without an approved spending plan.",
        "The vote had been scheduled for Thursday, but the speaker announced the delay shortly after a late-night meeting between the prime minister, Viktor Amsel, and the leader of his junior coalition partner broke up without agreement. A new date has not been set.",
        "At the heart of the dispute is a commitment to raise military spending to 2.5 percent of national income by 2028. The prime minister's party wants to cover part of the cost by freezing public sector pay, while its partner is demanding a temporary tax on the profits of energy companies instead.",
        "If no budget is approved by the end of December, the constitution allows the government to keep spending at this year's levels month by month, but it would not be able to start new projects or raise pensions as planned in January.",
        '"Nobody wants a crisis, but we will not support a budget that asks nurses and teachers to pay for tanks," said Mira Kovalenko, the parliamentary leader of the junior partner. Government officials said they were confident a compromise could be found within days.',
        "Investors reacted calmly to the news. The yield on Orlavian ten-year bonds rose slightly in afternoon trading, and the currency was little changed against the euro. Ratings agencies have said they will watch closely whether the coalition can agree a credible plan.",
    ),
)

FILM_FESTIVAL = Article(
    outlet=MERIDIAN,
    slug="film-festival-opens-with-debut-from-first-time-director",
    uid=7402688,
    lang="en",
    section="culture",
    title="Film festival opens with debut from first-time director",
    standfirst="A quiet drama about a lighthouse keeper's daughter draws a standing ovation in Solenne.",
    authors=("Ana Beltrán",),
    published="2026-11-06T19:00:00+00:00",
    modified="2026-11-06T21:30:00+00:00",
    tags=("Film", "Festivals"),
    paragraphs=(
        "The Solenne International Film Festival opened on Friday with the premiere of a debut feature by the 29-year-old director Maren Holt, the first time in the festival's forty-year history that it has chosen a first film to open the programme.",
        "The film, called The Keeper's Daughter, follows a teenage girl who runs a remote lighthouse alone for a winter after her father falls ill. Shot over three months on a small island with a crew of twelve, it uses almost no music and only a handful of professional actors.",
        'The audience in the main festival hall gave the film a standing ovation that lasted several minutes. "I spent five years trying to find the money for this film, and most people told me nobody would want to watch a girl and a lamp for two hours," Holt said on stage afterwards. "Tonight I think we proved them wrong."',
        "Festival director Pascal Verhoeven said the choice reflected a wider change in the programme, which this year includes more than thirty debut features out of 140 films. He said the festival wanted to give young directors a bigger stage at a time when cinemas were showing fewer independent films.",
        "Critics were largely enthusiastic. Several praised the performance of the 16-year-old lead, Ingrid Sola, who had never acted before, and the way the film uses the sound of wind and sea to build tension. A few found its pace too slow.",
        "The festival runs until 15 November and will close with the awards ceremony, in which the main jury prize is worth 50,000 euros. More than 90,000 tickets have been sold, a record for the event.",
    ),
)

# Meridian Wire's light rewrite of the Harbour Daily's strike story: the near duplicate.
PORT_STRIKE_REWRITE = Rewrite(
    source_slug=PORT_STRIKE.slug,
    outlet=MERIDIAN,
    slug="saltmere-dock-strike-leaves-dozens-of-ships-stranded",
    uid=7409871,
    section="business",
    title="Saltmere dock strike leaves dozens of ships stranded",
    standfirst="A walkout over automation at one of the busiest ports in the region shows no sign of ending.",
    authors=("Kofi Mensah",),
    published="2026-11-18T15:20:00+00:00",
    tags=("Shipping", "Strikes"),
    first_sentence="Dozens of cargo ships were stranded off the northern port of Saltmere on Wednesday as a strike by dock workers entered its third day.",
    replacements=(
        ("Around 1,900 crane operators", "About 1,900 crane operators"),
        ("said in a statement", "said on Wednesday"),
        ("a good start but not enough", "a step forward but not enough"),
    ),
    drop_paragraph=7,
)

ARTICLES: tuple[Article, ...] = (
    PORT_STRIKE,
    CITY_BUDGET,
    DREDGING_AUDIT,
    DERBY,
    MUSEUM,
    STORM,
    NIGHT_FERRY,
    BRIDGE_CLOSED,
    SCHOOL_MEALS,
    NEW_STRIKER,
    ELECTION,
    WATER_VAPOUR,
    COFFEE,
    GLASS_SPONGE,
    MARATHON,
    BUDGET_VOTE,
    FILM_FESTIVAL,
)
