"""French stories: the Harbour Daily's partner-city pages and Meridian Wire's French service."""

from __future__ import annotations

from tests.newssite.model import Article
from tests.newssite.urls import HARBOUR, MERIDIAN

FISH_MARKET = Article(
    outlet=HARBOUR,
    slug="le-marche-aux-poissons-de-port-saint-aubin-fete-ses-cent-ans",
    uid=47866,
    lang="fr",
    section="international",
    title="Le marché aux poissons de Port-Saint-Aubin fête ses cent ans",
    standfirst="La halle de la ville jumelle de Saltmere célèbre son centenaire avec une semaine de festivités.",
    authors=("Élodie Marchand",),
    published="2026-11-07T11:30:00+01:00",
    modified="2026-11-07T11:30:00+01:00",
    tags=("Port-Saint-Aubin", "Villes jumelles", "Pêche"),
    paragraphs=(
        "Le marché aux poissons de Port-Saint-Aubin, ville jumelée avec Saltmere depuis 1962, a fêté samedi ses cent ans d'existence. Des milliers d'habitants et de touristes se sont pressés sous la grande halle de fer et de verre, inaugurée en novembre 1926, pour assister aux festivités.",
        "Dès six heures du matin, les pêcheurs ont débarqué sur le quai les soles, les bars et les coquilles Saint-Jacques de la nuit, comme ils le font chaque jour depuis un siècle. Une criée à l'ancienne, menée à la voix par un commissaire-priseur en blouse bleue, a attiré une foule nombreuse et quelques acheteurs un peu surpris par la rapidité des enchères.",
        "La municipalité avait prévu un programme chargé pour l'occasion : une exposition de photographies anciennes, des démonstrations de réparation de filets et un grand repas servi sur de longues tables installées au milieu des étals. Une délégation de Saltmere, conduite par la maire Helen Ashdown, a été accueillie au son de la fanfare municipale.",
        "« Ce marché, c'est le cœur de la ville. Mon grand-père y vendait déjà du poisson, et mes enfants viennent m'aider pendant les vacances », raconte Yvonne Le Gall, mareyeuse depuis trente-cinq ans. Comme beaucoup de commerçants, elle s'inquiète pourtant de l'avenir de la profession.",
        "Le nombre de bateaux inscrits au port est en effet passé de plus de cent vingt dans les années 1980 à une quarantaine aujourd'hui. La hausse du prix du carburant, les quotas de pêche et la concurrence des grandes surfaces pèsent lourdement sur les petites entreprises familiales.",
        "Pour attirer une nouvelle clientèle, la ville a décidé de rénover la halle d'ici à 2028 et d'y ouvrir un espace de restauration ouvert le soir. Les travaux, estimés à quatre millions d'euros, seront financés en partie par la région et par des fonds européens destinés aux communes littorales.",
    ),
)

SAILING_SCHOOL = Article(
    outlet=HARBOUR,
    slug="une-ecole-de-voile-ouvre-ses-portes-aux-enfants-des-quartiers-nord",
    uid=48021,
    lang="fr",
    section="international",
    title="Une école de voile ouvre ses portes aux enfants des quartiers nord",
    standfirst="À Port-Saint-Aubin, une association propose des stages gratuits à des jeunes qui n'avaient jamais navigué.",
    authors=("Élodie Marchand",),
    published="2026-11-14T15:00:00+01:00",
    modified="2026-11-14T15:00:00+01:00",
    tags=("Port-Saint-Aubin", "Villes jumelles", "Jeunesse"),
    paragraphs=(
        "Une nouvelle école de voile a ouvert ses portes cette semaine à Port-Saint-Aubin avec une ambition peu commune : faire naviguer des enfants des quartiers nord de la ville, dont la plupart n'étaient jamais montés sur un bateau alors qu'ils vivent à moins de trois kilomètres de la mer.",
        "Installée dans un ancien hangar des douanes rénové par la commune, l'école dispose d'une vingtaine de petits dériveurs, de deux bateaux de sécurité et d'une salle de classe où les élèves apprennent les nœuds, la lecture des cartes et les règles de priorité en mer. Les stages sont gratuits pour les familles et se déroulent le mercredi après-midi et pendant les vacances scolaires.",
        "Le projet est porté par une association créée par d'anciens régatiers, avec le soutien de la mairie, du département et de plusieurs entreprises du port. Son président, Gaël Kerbrat, explique avoir été frappé par le nombre de jeunes qui ne savaient pas nager. « La mer est là, juste au bout de la rue, mais pour beaucoup de familles elle reste un monde fermé », dit-il.",
        "Avant de pouvoir embarquer, chaque enfant doit d'ailleurs passer un test de natation. Ceux qui échouent suivent d'abord des cours à la piscine municipale, financés par l'association. Depuis septembre, une soixantaine d'élèves ont déjà obtenu leur attestation.",
        "Mercredi, par un vent léger et un ciel dégagé, une douzaine d'enfants de dix à quatorze ans ont tiré leurs premiers bords dans le bassin du port. « J'avais un peu peur au début, mais maintenant je veux faire le tour de l'île », s'amuse Inès, onze ans, en rangeant sa voile.",
        "L'association espère accueillir trois cents jeunes par an d'ici à 2028 et former parmi eux de futurs moniteurs. Un échange avec le club nautique de Saltmere, ville jumelle de l'autre côté de la Manche, est prévu pour l'été prochain.",
    ),
)

GLACIERS = Article(
    outlet=MERIDIAN,
    slug="les-glaciers-alpins-ont-perdu-un-dixieme-de-leur-volume-en-deux-ans",
    uid=7406874,
    lang="fr",
    section="science",
    title="Les glaciers alpins ont perdu un dixième de leur volume en deux ans",
    standfirst="Hivers peu enneigés, canicules et poussières sahariennes ont accéléré une fonte sans précédent.",
    authors=("Claire Dumoulin",),
    published="2026-11-12T13:00:00+01:00",
    modified="2026-11-12T13:00:00+01:00",
    tags=("Climat", "Montagne"),
    paragraphs=(
        "Les glaciers des Alpes ont perdu environ dix pour cent de leur volume au cours des deux dernières années, selon un rapport publié jeudi par un réseau de glaciologues européens. Jamais une fonte aussi rapide n'avait été mesurée depuis le début des relevés systématiques, il y a plus d'un siècle.",
        "Les chercheurs attribuent ce recul spectaculaire à une combinaison de facteurs : des hivers pauvres en neige, des étés marqués par plusieurs vagues de chaleur et des dépôts de poussière venue du Sahara, qui ont assombri la surface de la glace et accéléré sa fonte.",
        "Sur certains sites, les mesures sont particulièrement alarmantes. Au glacier du Rhône, l'épaisseur de la glace a diminué de près de six mètres en deux saisons. Plusieurs petits glaciers de moins d'un kilomètre carré, suivis depuis les années 1950, ont tout simplement cessé d'exister et ont été retirés du réseau d'observation.",
        "« Nous savions que les glaciers reculaient, mais nous ne pensions pas voir de telles pertes avant plusieurs décennies », explique la glaciologue Mathilde Rochat, coautrice du rapport. Selon elle, même si les émissions de gaz à effet de serre étaient fortement réduites, une grande partie des glaciers alpins disparaîtrait d'ici à la fin du siècle.",
        "La fonte des glaces a des conséquences directes pour les populations de montagne. Elle fragilise les sentiers et les refuges, augmente les risques d'éboulements et modifie le débit des rivières, dont dépendent l'agriculture, la production d'électricité et l'approvisionnement en eau potable de nombreuses villes.",
        "Les auteurs du rapport appellent les États alpins à renforcer la surveillance des lacs glaciaires, qui peuvent se vider brutalement, et à préparer dès maintenant l'adaptation des stations de ski et des barrages à un avenir presque sans glace.",
    ),
)

AIR_TRAFFIC_STRIKE = Article(
    outlet=MERIDIAN,
    slug="greve-des-controleurs-aeriens-des-centaines-de-vols-annules",
    uid=7408302,
    lang="fr",
    section="europe",
    title="Grève des contrôleurs aériens : des centaines de vols annulés",
    standfirst="Les compagnies ont dû supprimer jusqu'à la moitié de leurs vols dans plusieurs aéroports.",
    authors=("Claire Dumoulin",),
    published="2026-11-16T08:20:00+01:00",
    modified="2026-11-16T17:35:00+01:00",
    tags=("Transport aérien", "Grèves"),
    paragraphs=(
        "Des centaines de vols ont été annulés lundi en raison d'une grève des contrôleurs aériens, qui protestent contre un projet de réforme de leur temps de travail. Plusieurs grands aéroports ont demandé aux compagnies de réduire d'un tiers, voire de moitié, leur programme de la journée.",
        "Dans les halls de départ, de nombreux voyageurs ont découvert l'annulation de leur vol au dernier moment. Des files d'attente se sont formées devant les guichets des compagnies, tandis que d'autres passagers tentaient de trouver une place dans les trains ou de louer une voiture pour rejoindre leur destination.",
        "Les syndicats reprochent à la direction de l'aviation civile de vouloir allonger les périodes de travail sans embaucher suffisamment de nouveaux contrôleurs. Selon eux, plusieurs centres de contrôle fonctionnent déjà avec des effectifs insuffisants, ce qui met en danger la sécurité des vols.",
        "« Nous ne faisons pas grève de gaieté de cœur, mais nous ne pouvons pas accepter une réforme qui fatigue encore davantage des équipes déjà épuisées », a déclaré un représentant syndical lors d'une conférence de presse. Le ministère des Transports affirme au contraire que la réforme vise à mieux répartir les horaires et à réduire les retards en été.",
        "Les compagnies aériennes dénoncent un mouvement qui leur coûte plusieurs millions d'euros par jour. Elles demandent depuis longtemps l'instauration d'un service minimum obligatoire, comme il en existe dans d'autres secteurs des transports.",
        "Une nouvelle réunion entre les syndicats et le ministère est prévue mercredi. En attendant, les passagers sont invités à vérifier l'état de leur vol avant de se rendre à l'aéroport et à privilégier les bagages en cabine.",
    ),
)

ARTICLES: tuple[Article, ...] = (FISH_MARKET, SAILING_SCHOOL, GLACIERS, AIR_TRAFFIC_STRIKE)
