"""German stories: the Harbour Daily's partner-city pages and Meridian Wire's German service."""

from __future__ import annotations

from tests.newssite.model import Article
from tests.newssite.urls import HARBOUR, MERIDIAN

LIGHT_FESTIVAL = Article(
    outlet=HARBOUR,
    slug="lichterfest-am-hafen-lockt-so-viele-besucher-wie-nie-zuvor",
    uid=47899,
    lang="de",
    section="international",
    title="Lichterfest am Hafen lockt so viele Besucher wie nie zuvor",
    standfirst="Rund 240.000 Menschen kamen an drei Abenden an die Kaimauern der Partnerstadt Lindenhafen.",
    authors=("Katja Brandis",),
    published="2026-11-09T09:40:00+01:00",
    modified="2026-11-09T09:40:00+01:00",
    tags=("Lindenhafen", "Partnerstädte", "Feste"),
    paragraphs=(
        "Das dreitägige Lichterfest am Hafen von Lindenhafen, der deutschen Partnerstadt von Saltmere, hat am Wochenende mehr Besucher angezogen als jemals zuvor. Nach Angaben der Veranstalter kamen rund 240.000 Menschen an die Kaimauern, etwa ein Drittel mehr als im vergangenen Jahr.",
        "Höhepunkt war am Samstagabend die Parade der beleuchteten Schiffe, bei der mehr als sechzig historische Segler, Dampfer und Fischkutter an der Uferpromenade vorbeizogen. Viele Zuschauer hatten sich schon am Nachmittag die besten Plätze auf dem Deich gesichert, obwohl ein kalter Wind über das Wasser wehte und es zeitweise leicht regnete.",
        "Auch aus Saltmere war eine Delegation angereist. Der Chor der Hafenarbeiter sang auf der Bühne am Fischmarkt englische Seemannslieder, und die Besatzung eines Ruderkutters aus der Partnerstadt belegte bei der nächtlichen Regatta einen beachtlichen dritten Platz. Am Sonntag unterzeichneten die beiden Bürgermeister eine Vereinbarung über einen gemeinsamen Schüleraustausch.",
        "Die Stadtverwaltung zog eine überwiegend positive Bilanz. Polizei und Rettungsdienste meldeten nur wenige Einsätze, vor allem wegen kleinerer Verletzungen und verlorener Kinder, die schnell wieder zu ihren Eltern gebracht werden konnten. Kritik gab es dagegen an den langen Wartezeiten an den Shuttlebussen und an den Preisen einiger Imbissstände.",
        "„Wir sind überwältigt von dem Zuspruch“, sagte die Festleiterin Katrin Albers. „Gleichzeitig sehen wir, dass die Altstadt an ihre Grenzen kommt. Im nächsten Jahr wollen wir das Programm stärker auf die Stadtteile verteilen und zusätzliche Fähren über den Fluss einsetzen.“",
        "Für die Gastronomie und den Einzelhandel war das Wochenende ein wichtiger Lichtblick nach einem schwachen Sommer. Der örtliche Gewerbeverein schätzt den zusätzlichen Umsatz auf mehrere Millionen Euro. Besonders die Hotels in der Innenstadt waren nach eigenen Angaben schon Wochen vorher ausgebucht.",
        "Das nächste Lichterfest ist für das zweite Novemberwochenende des kommenden Jahres geplant. Die Veranstalter wollen bis zum Frühjahr entscheiden, ob der Eintritt zum Festgelände an der Mole weiterhin kostenlos bleiben kann.",
    ),
)

TRAM_LINE = Article(
    outlet=HARBOUR,
    slug="neue-strassenbahnlinie-soll-ab-2029-durch-die-altstadt-fahren",
    uid=47994,
    lang="de",
    section="international",
    title="Neue Straßenbahnlinie soll ab 2029 durch die Altstadt fahren",
    standfirst="Der Stadtrat von Lindenhafen hat den Bau der Linie 7 beschlossen. Händler fürchten die Bauzeit.",
    authors=("Katja Brandis",),
    published="2026-11-13T14:05:00+01:00",
    modified="2026-11-13T16:20:00+01:00",
    tags=("Lindenhafen", "Partnerstädte", "Verkehr"),
    paragraphs=(
        "Lindenhafen bekommt eine neue Straßenbahnlinie. Der Stadtrat hat am Donnerstagabend mit großer Mehrheit beschlossen, die geplante Linie 7 vom Hauptbahnhof über die Altstadt bis zum neuen Wohngebiet am Nordufer zu bauen. Die ersten Bahnen sollen nach heutiger Planung im Herbst 2029 fahren.",
        "Die rund 6,8 Kilometer lange Strecke wird zwölf Haltestellen haben und soll in der Hauptverkehrszeit alle sieben Minuten bedient werden. Die Kosten werden auf 310 Millionen Euro geschätzt. Bund und Land übernehmen voraussichtlich bis zu drei Viertel davon, den Rest muss die Stadt aus eigenen Mitteln aufbringen.",
        "Befürworter sehen in der neuen Linie die einzige Möglichkeit, den wachsenden Verkehr in den Griff zu bekommen. Im Wohngebiet am Nordufer sollen in den kommenden Jahren fast 5.000 Wohnungen entstehen, und schon heute stehen die Busse auf der Uferstraße morgens regelmäßig im Stau.",
        "Kritik kommt vor allem von Geschäftsleuten in der Altstadt. Sie befürchten, dass die Bauarbeiten in den engen Gassen über Jahre hinweg Kunden fernhalten werden. „Wir haben die Pandemie überstanden, aber drei Jahre Baustelle vor der Tür überstehen viele von uns nicht“, sagte der Vorsitzende der Werbegemeinschaft, Martin Hollmann.",
        "Der Baudezernent versprach, die Arbeiten in kurzen Abschnitten zu organisieren und die Zugänge zu den Geschäften jederzeit offen zu halten. Zudem soll ein Entschädigungsfonds eingerichtet werden, aus dem besonders betroffene Betriebe Zuschüsse erhalten können.",
        "Umweltverbände begrüßten den Beschluss grundsätzlich, forderten aber, möglichst viele der alten Linden entlang der Strecke zu erhalten. Nach den bisherigen Plänen müssten 46 Bäume gefällt werden, die Stadt will dafür mehr als hundert neue pflanzen.",
        "Als Nächstes beginnt das Planfeststellungsverfahren, in dem Anwohner und Verbände Einwände erheben können. Mit dem ersten Spatenstich rechnet die Verwaltung frühestens im Sommer 2027.",
    ),
)

SUPPLIER_JOBS = Article(
    outlet=MERIDIAN,
    slug="autozulieferer-streicht-1200-stellen-in-zwei-werken",
    uid=7405530,
    lang="de",
    section="europe",
    title="Autozulieferer streicht 1.200 Stellen in zwei Werken",
    standfirst="Brenner & Voss begründet den Abbau mit der schwachen Nachfrage nach Verbrennungsmotoren.",
    authors=("Jonas Weidner",),
    published="2026-11-10T08:10:00+01:00",
    modified="2026-11-10T13:45:00+01:00",
    tags=("Autoindustrie", "Arbeitsmarkt"),
    paragraphs=(
        "Der Autozulieferer Brenner & Voss will in den kommenden zwei Jahren rund 1.200 Arbeitsplätze in Deutschland abbauen. Betroffen sind vor allem die Werke in Kesselbach und Unterharz, in denen Kabelbäume und Steuergeräte für Verbrennungsmotoren hergestellt werden, teilte das Unternehmen am Dienstag mit.",
        "Als Grund nannte der Vorstand die schwache Nachfrage nach klassischen Antrieben und den wachsenden Preisdruck durch Konkurrenten aus Asien. Der Umsatz sei in den ersten neun Monaten des Jahres um elf Prozent gesunken, das operative Ergebnis habe sich nahezu halbiert.",
        "Die Gewerkschaft reagierte mit scharfer Kritik. „Die Beschäftigten zahlen jetzt für die Versäumnisse des Managements“, sagte die Bezirksleiterin Sabine Krüger. Das Unternehmen habe viel zu spät in neue Produkte für Elektroautos investiert. Für die kommende Woche kündigte die Gewerkschaft Warnstreiks an beiden Standorten an.",
        "Der Stellenabbau soll nach Angaben des Unternehmens möglichst sozialverträglich erfolgen, etwa über Altersteilzeit, Abfindungen und Versetzungen an andere Standorte. Betriebsbedingte Kündigungen könne man aber nicht ausschließen. Gleichzeitig will Brenner & Voss in seinem Werk bei Leipzig rund 300 neue Stellen für die Fertigung von Batteriekomponenten schaffen.",
        "Für die betroffenen Regionen ist die Nachricht ein schwerer Schlag. In Kesselbach ist das Werk mit knapp 2.000 Beschäftigten der größte Arbeitgeber der Stadt. Der Bürgermeister forderte die Landesregierung auf, mit dem Unternehmen rasch über Hilfen für den Umbau des Standorts zu sprechen.",
        "Branchenexperten rechnen damit, dass weitere Zulieferer folgen werden. Nach Schätzungen des Branchenverbands könnten bis zum Ende des Jahrzehnts mehrere zehntausend Stellen in der Zulieferindustrie wegfallen, wenn es nicht gelingt, rechtzeitig neue Geschäftsfelder zu erschließen.",
        "An der Börse wurde die Ankündigung dagegen positiv aufgenommen. Die Aktie von Brenner & Voss legte am Dienstag zeitweise um mehr als vier Prozent zu, weil Anleger auf sinkende Kosten und eine schnellere Neuausrichtung des Konzerns hoffen.",
    ),
)

SODIUM_BATTERY = Article(
    outlet=MERIDIAN,
    slug="forscher-entwickeln-guenstigen-natrium-akku-fuer-heimspeicher",
    uid=7407765,
    lang="de",
    section="science",
    title="Forscher entwickeln günstigen Natrium-Akku für Heimspeicher",
    standfirst="Die Zellen kommen ohne Lithium und Kobalt aus und sollen deutlich billiger werden.",
    authors=("Jonas Weidner",),
    published="2026-11-14T10:00:00+01:00",
    modified="2026-11-14T10:00:00+01:00",
    tags=("Energie", "Forschung"),
    paragraphs=(
        "Ein Forschungsteam aus Dresden hat einen Akku auf Natriumbasis entwickelt, der Solarstrom in Einfamilienhäusern deutlich günstiger speichern soll als heutige Lithium-Ionen-Batterien. Die Ergebnisse stellten die Wissenschaftler am Freitag in einer Fachzeitschrift für Energiespeicher vor.",
        "Natrium ist im Gegensatz zu Lithium fast überall in großen Mengen verfügbar, etwa in Kochsalz. Bislang hatten Natrium-Akkus jedoch zwei entscheidende Nachteile: Sie speicherten deutlich weniger Energie pro Kilogramm und verloren nach einigen hundert Ladezyklen spürbar an Kapazität.",
        "Das Team um die Materialforscherin Hanna Liebig hat nach eigenen Angaben beide Probleme weitgehend gelöst. Eine neue Elektrode aus Hartkohlenstoff, die aus Abfällen der Holzindustrie gewonnen wird, soll die Speicherkapazität um rund ein Drittel erhöhen. In Labortests behielten die Zellen auch nach 5.000 Ladezyklen noch mehr als 90 Prozent ihrer ursprünglichen Kapazität.",
        "„Für ein Auto ist unser Akku noch zu schwer, aber im Keller eines Hauses spielt das Gewicht kaum eine Rolle“, sagte Liebig. „Dort zählen vor allem der Preis, die Sicherheit und die Lebensdauer, und in allen drei Punkten sind wir sehr zuversichtlich.“",
        "Nach Berechnungen der Forscher könnte ein Heimspeicher mit der neuen Technik bei einer Massenfertigung etwa 40 Prozent weniger kosten als ein vergleichbares Gerät mit Lithium-Ionen-Zellen. Zudem kommen die Zellen ohne Kobalt und Nickel aus, deren Abbau häufig mit Umweltschäden und schlechten Arbeitsbedingungen verbunden ist.",
        "Unabhängige Experten äußerten sich zurückhaltend optimistisch. Die Laborergebnisse seien beeindruckend, müssten aber erst in größeren Zellen und unter realen Bedingungen bestätigt werden, sagte ein Batterieforscher aus Münster. Ein mittelständischer Hersteller aus Sachsen will im kommenden Jahr eine Pilotfertigung aufbauen. Erste Geräte könnten nach Einschätzung der Beteiligten frühestens in drei Jahren in den Handel kommen.",
    ),
)

ARTICLES: tuple[Article, ...] = (LIGHT_FESTIVAL, TRAM_LINE, SUPPLIER_JOBS, SODIUM_BATTERY)
