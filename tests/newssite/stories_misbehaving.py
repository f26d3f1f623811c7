"""Stories of the Fenwick Valley Chronicle, the misbehaving outlet: the good articles its bad pages sit among.

Written for these tests (fictional town, people and figures). The English stories are long enough for every
quality rule; the two French ones carry many accented letters, so a charset mix-up shows in their text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    """One article of the outlet; ``checks`` are sentences that must survive extraction verbatim."""

    key: str
    path: str
    lang: str
    section: str
    title: str
    standfirst: str
    author: str
    published: str
    paragraphs: tuple[str, ...]
    checks: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


BUS_LANE = Story(
    key="bus-lane",
    path="/news/2026/11/16/quarry-road-bus-lane-approved-after-late-night-vote/",
    lang="en",
    section="Transport",
    title="Quarry Road bus lane approved after late-night vote",
    standfirst="Councillors back peak-hour lane on the busiest route into town despite traders' objections.",
    author="Nadia Collingwood",
    published="2026-11-16T23:40:00+00:00",
    paragraphs=(
        "Fenwick Valley councillors approved a 1.4-kilometre bus lane on Quarry Road shortly before midnight "
        "on Monday, ending eighteen months of argument over one of the busiest routes into the town centre.",
        "The scheme, passed by nine votes to six, will take one of the road's two inbound lanes between the "
        "Millbrook roundabout and the railway bridge for buses, taxis and cyclists from 7am to 10am and from "
        "4pm to 7pm on weekdays. Outside those hours the lane will be open to all traffic.",
        "Council transport officers told the meeting that buses on the 14 and 22 routes currently take an "
        "average of nineteen minutes to cover the stretch at peak times, compared with six minutes in the "
        "middle of the day. Modelling commissioned by the council suggests the lane would cut the peak "
        "journey to around nine minutes, while adding two to four minutes for drivers.",
        "Councillor Harriet Osei, who chairs the transport committee, said the vote was about reliability "
        "rather than speed. 'People tell us they leave for work forty minutes early because they cannot "
        "trust the bus,' she said. 'If we can make the timetable mean something again, more of them will "
        "leave the car at home.'",
        "Opponents, led by the Quarry Road Traders Association, argued that shops along the route depend on "
        "short-stay parking that will be removed during the restricted hours. The association's chair, "
        "Malcolm Reddy, said twelve of its members had signed a letter warning of lost trade and that the "
        "council had not done enough to find alternative loading bays.",
        "Officers said eleven loading bays would be created on side streets before the lane opens and that "
        "the parking restrictions would be reviewed after six months. The council will also install cameras "
        "to enforce the lane, with fines of 70 pounds for drivers who use it during restricted hours.",
        "Work is expected to begin in March and take about ten weeks, funded by a 2.3 million pound grant "
        "from the regional transport authority. The grant must be spent by the end of the next financial "
        "year, a deadline several councillors said had forced a decision.",
    ),
    checks=(
        "passed by nine votes to six",
        "Councillor Harriet Osei, who chairs the transport committee",
        "funded by a 2.3 million pound grant from the regional transport authority",
    ),
)

BAKERY = Story(
    key="bakery",
    path="/news/2026/11/17/tannery-yard-bakery-cooperative-wins-national-award/",
    lang="en",
    section="Business",
    title="Tannery yard bakery cooperative wins national award",
    standfirst="Rye & Hearth, owned in equal shares by its fourteen bakers, beat more than 400 entrants.",
    author="Owen Pritchard",
    published="2026-11-17T09:15:00+00:00",
    paragraphs=(
        "A bakery run as a workers' cooperative in Fenwick's old tannery yard has been named the country's "
        "best independent bakery, beating more than four hundred entrants in a competition judged by chefs, "
        "millers and food writers.",
        "Rye & Hearth, which opened in a converted stable block five years ago with three members and a "
        "second-hand deck oven, now employs fourteen people, all of whom own an equal share of the business. "
        "Members take turns on the overnight baking shift, and every decision about pay, prices and new "
        "products goes to a vote at a monthly meeting.",
        "The judges singled out its sourdough, made with flour from a watermill twelve miles upstream, and a "
        "seeded rye loaf that one judge described as the sort of bread you build a week of lunches around. "
        "The award was presented at a ceremony in the city on Saturday.",
        "Co-founder Priya Lindqvist said the members had not expected to reach the final shortlist. 'We "
        "entered because a customer filled in the form for us,' she said. 'Then the judges turned up "
        "unannounced on a Tuesday morning when half of us had flour in our hair and the card machine was "
        "broken.'",
        "The bakery sells most of its bread from a hatch in the yard and supplies six cafes in the valley. "
        "Demand has grown steadily, and the cooperative had already begun planning a second oven before the "
        "award; members said the extra attention made it likely they would bring that forward to the spring.",
        "Lindqvist said the cooperative would not open more shops. 'Growth for us means paying people "
        "properly and taking on apprentices, not putting our name above doors in other towns,' she said. Two "
        "school leavers are due to start apprenticeships in January, the first the business has offered.",
        "The award comes with a prize of 5,000 pounds, which members have voted to spend on a new flour mixer "
        "and a training course in pastry.",
    ),
    checks=(
        "all of whom own an equal share of the business",
        "flour from a watermill twelve miles upstream",
        "voted to spend on a new flour mixer",
    ),
)

FLOOD_BARRIER = Story(
    key="flood-barrier",
    path="/news/2026/11/18/riverside-flood-barrier-holds-as-wend-hits-record-level/",
    lang="en",
    section="Environment",
    title="Riverside flood barrier holds as the Wend hits a record level",
    standfirst="Panels put up overnight keep water out of 180 homes and businesses that flooded in 2019.",
    author="Nadia Collingwood",
    published="2026-11-18T07:05:00+00:00",
    paragraphs=(
        "The demountable flood barrier along Fenwick's riverside held back the highest water level recorded "
        "on the River Wend in more than forty years on Tuesday night, sparing around 180 homes and "
        "businesses that flooded in 2019.",
        "The gauge at Town Bridge peaked at 4.62 metres shortly after 2am, eleven centimetres above the "
        "previous record set in February 1983, after almost a month's rainfall fell on the upper catchment "
        "in thirty-six hours. The Environment Agency had issued a severe flood warning, meaning a danger to "
        "life, for the riverside streets on Monday afternoon.",
        "Crews from the agency and the council began bolting the aluminium panels into their permanent "
        "footings at 5pm on Monday, working under floodlights until the 600-metre line was complete just "
        "before midnight. The barrier was installed in 2022 at a cost of 6.8 million pounds and had until "
        "this week only been put up for drills.",
        "Residents of Mill Lane, which flooded to a depth of more than a metre five years ago, gathered "
        "behind the barrier to watch the water rise. 'It was above the level of my front door on the other "
        "side of those panels,' said Derek Amankwah, a retired postman who spent four months in temporary "
        "accommodation after the last flood. 'I didn't sleep, but I didn't have to move the furniture "
        "upstairs either.'",
        "Not everywhere escaped. Fields and two farms downstream of the town were under water, and the B4120 "
        "was closed at Hollins Ford after the river broke its banks there. Firefighters helped three people "
        "from a car stranded on the ford on Tuesday morning; none was hurt.",
        "The agency said a small number of panels had leaked at their joints and pumps had been used to "
        "clear water from behind the barrier. A spokesperson said engineers would inspect every seal before "
        "the panels are taken down and stored, which is expected to take until the weekend.",
        "River levels were falling on Wednesday, but the Met Office has issued a yellow warning for further "
        "rain on Friday.",
    ),
    checks=(
        "The gauge at Town Bridge peaked at 4.62 metres",
        "said Derek Amankwah, a retired postman",
        "engineers would inspect every seal",
    ),
)

LIBRARY = Story(
    key="library",
    path="/news/2026/11/18/central-library-reopens-after-two-year-renovation/",
    lang="en",
    section="Community",
    title="Central library reopens after two-year renovation",
    standfirst="A restored Victorian reading room, lifts to every floor and a basement given over to teenagers.",
    author="Owen Pritchard",
    published="2026-11-18T12:30:00+00:00",
    paragraphs=(
        "Fenwick Central Library reopened on Saturday after a two-year renovation that has restored its "
        "Victorian reading room, added a lift to every floor and turned the former basement store into a "
        "space for teenagers.",
        "More than 1,200 people came through the doors on the first day, according to the council, with a "
        "queue stretching past the war memorial before the 9am opening. The first book borrowed was a guide "
        "to growing vegetables in small gardens, taken out by eight-year-old Amara Fielding and her "
        "grandfather.",
        "The 4.1 million pound project was funded jointly by the council and a heritage grant. Builders "
        "removed a suspended ceiling installed in the 1970s to reveal the original glazed roof lantern of the "
        "reading room, which had been painted over and hidden for almost fifty years. Cast-iron radiators "
        "have been refurbished and connected to a new heat pump.",
        "The ground floor now has a cafe run by a local social enterprise and a room that community groups "
        "can book free of charge. The lower floor, once used to store old newspapers, has been fitted with "
        "study booths, a recording studio and a games area, and will be open until 8pm on weekdays.",
        "Head librarian Tomasz Wierzbicki said the building had been at risk of closing altogether. 'Ten "
        "years ago we had buckets on the stairs when it rained and no way for someone in a wheelchair to "
        "reach the first floor,' he said. 'Now it is a building the town can be proud of, and it works for "
        "everybody.'",
        "During the renovation the library ran from two rooms in the civic centre, and around 40,000 books "
        "were kept in a warehouse on the industrial estate. Staff said the move back had taken six weeks, "
        "and a further 3,000 new titles had been bought with money raised by the Friends of Fenwick Library.",
        "Opening hours have been extended to include Sunday afternoons, a change the council said would be "
        "reviewed after a year.",
    ),
    checks=(
        "reveal the original glazed roof lantern of the reading room",
        "Head librarian Tomasz Wierzbicki said",
        "money raised by the Friends of Fenwick Library",
    ),
)

ROBOTICS = Story(
    key="robotics",
    path="/news/2026/11/15/high-school-robotics-team-qualifies-for-national-finals/",
    lang="en",
    section="Education",
    title="High school robotics team qualifies for national finals",
    standfirst="Six students and a plywood robot called Marigold are the first from the valley to get this far.",
    author="Leona Fairweather",
    published="2026-11-15T16:45:00+00:00",
    paragraphs=(
        "A team of six students from Fenwick Valley High School has qualified for the national finals of a "
        "schools robotics competition, the first time a team from the valley has got beyond the regional "
        "rounds in the contest's eleven-year history.",
        "The students, aged between fifteen and seventeen, built a robot that can sort coloured blocks into "
        "bins, climb a ramp and hang from a bar in a two-and-a-half-minute match. At the regional round in "
        "the city on Sunday it won five of its six matches and was placed second out of twenty-four teams, "
        "enough to secure one of the three qualifying places.",
        "The team calls its robot Marigold, after the colour of the plywood sheets it was cut from. Much of it "
        "was designed in the school's technology room during lunch breaks and after school, and the drive "
        "system was rebuilt twice after early versions kept tipping over on the ramp.",
        "Team captain Esme Achterberg, seventeen, said a broken gearbox almost ended their day early. 'We had "
        "twenty minutes between matches and one of the motors had stripped its teeth,' she said. 'Jonah had "
        "a spare in his bag that he bought with his own birthday money, so we owe him.'",
        "Their teacher, Kwame Boateng, said the school had started the club three years ago with a donated "
        "kit and eight members. It now has more than thirty, including students who had not previously taken "
        "a technology subject. 'The competition is the exciting part, but what I care about is that they "
        "learn to fail, fix it and try again,' he said.",
        "The national finals take place in March. The team needs to raise around 2,500 pounds to cover "
        "travel, accommodation and entry fees, and has set up a fundraising page. A local engineering firm "
        "has already offered to pay for new motors and a spare battery.",
        "The school's headteacher said staff would help the students find time to prepare without falling "
        "behind with their exams.",
    ),
    checks=(
        "The team calls its robot Marigold",
        "Team captain Esme Achterberg, seventeen",
        "learn to fail, fix it and try again",
    ),
)

CHRISTMAS_MARKET = Story(
    key="marche-de-noel",
    path="/fr/2026/11/17/le-marche-de-noel-revient-place-de-la-mairie/",
    lang="fr",
    section="Édition française",
    title="Le marché de Noël revient place de la Mairie",
    standfirst="Quarante-deux chalets, une patinoire éphémère et un chalet réservé aux jeunes créateurs.",
    author="Hélène Verdier",
    published="2026-11-17T10:00:00+00:00",
    paragraphs=(
        "Après deux hivers d'absence, le marché de Noël de Fenwick s'installera de nouveau place de la "
        "Mairie du 5 au 23 décembre. Quarante-deux chalets en bois accueilleront artisans, producteurs et "
        "associations de la vallée, soit dix de plus qu'en 2022.",
        "La municipalité a confirmé mardi que la patinoire éphémère, très demandée par les familles, serait "
        "également de retour. Elle sera ouverte tous les jours de 10 heures à 20 heures, et l'entrée sera "
        "gratuite pour les enfants de moins de douze ans.",
        "« Nous avons écouté les commerçants du centre-ville, qui nous ont dit que le marché attirait des "
        "visiteurs jusque dans leurs boutiques », explique Hélène Marchetti, adjointe chargée du commerce. "
        "Elle précise que les exposants ont été choisis par un jury composé d'élus et de représentants des "
        "métiers d'art.",
        "Parmi les nouveautés, un chalet sera réservé aux créateurs âgés de moins de vingt-cinq ans, qui "
        "pourront y vendre leurs produits à tour de rôle, sans payer de loyer. Les écoles de la ville "
        "exposeront aussi des décorations fabriquées en classe.",
        "Côté gourmandises, on retrouvera le vin chaud, les crêpes et les marrons grillés, mais aussi des "
        "spécialités préparées par la fromagerie du Vallon et la boulangerie coopérative de l'ancienne "
        "tannerie. L'éclairage des allées sera entièrement assuré par des ampoules à basse consommation, a "
        "précisé la mairie.",
    ),
    checks=(
        "la patinoire éphémère, très demandée par les familles",
        "réservé aux créateurs âgés de moins de vingt-cinq ans",
        "Côté gourmandises, on retrouvera le vin chaud, les crêpes",
    ),
)

CHEESE_DAIRY = Story(
    key="fromagerie",
    path="/fr/2026/11/18/la-fromagerie-du-vallon-fete-ses-cent-ans/",
    lang="fr",
    section="Édition française",
    title="La fromagerie du Vallon fête ses cent ans",
    standfirst="Une tomme affinée huit semaines dans des caves creusées à même la colline depuis 1926.",
    author="Hélène Verdier",
    published="2026-11-18T08:20:00+00:00",
    paragraphs=(
        "Fondée en 1926 par Émile Duchêne dans une ancienne grange au bord de la Wend, la fromagerie du "
        "Vallon célèbre ce mois-ci son centième anniversaire. L'entreprise familiale, aujourd'hui dirigée "
        "par l'arrière-petite-fille du fondateur, produit chaque année près de quatre-vingts tonnes de "
        "fromage.",
        "Sa spécialité, une tomme à croûte fleurie affinée pendant huit semaines dans des caves creusées à "
        "même la colline, a reçu une médaille d'or au concours régional en 2024. Le lait provient de onze "
        "fermes situées à moins de quinze kilomètres, une règle que la famille n'a jamais voulu changer.",
        "« Mon arrière-grand-père disait qu'un fromage raconte le pré où l'herbe a poussé », sourit Amélie "
        "Duchêne, qui a repris la fromagerie en 2015 après une carrière d'ingénieure. « Nous avons modernisé "
        "la laiterie, mais les caves, elles, n'ont presque pas bougé depuis un siècle. »",
        "Pour l'occasion, la fromagerie ouvrira ses caves au public les samedis de décembre. Les visites, "
        "gratuites, devront être réservées à l'avance, car les groupes seront limités à quinze personnes "
        "pour préserver la température et l'hygrométrie des salles d'affinage.",
        "Une exposition de photographies retraçant l'histoire de l'entreprise sera également présentée à la "
        "bibliothèque municipale jusqu'à la fin janvier.",
    ),
    checks=(
        "Fondée en 1926 par Émile Duchêne",
        "a reçu une médaille d'or au concours régional",
        "l'hygrométrie des salles d'affinage",
    ),
)

STORIES = (BUS_LANE, BAKERY, FLOOD_BARRIER, LIBRARY, ROBOTICS, CHRISTMAS_MARKET, CHEESE_DAIRY)
