"""Spanish stories: one for each outlet."""

from __future__ import annotations

from tests.newssite.model import Article
from tests.newssite.urls import HARBOUR, MERIDIAN

HAKE_BAN = Article(
    outlet=HARBOUR,
    slug="los-pescadores-de-saltmere-piden-una-veda-mas-larga-para-la-merluza",
    uid=47973,
    lang="es",
    section="international",
    title="Los pescadores de Saltmere piden una veda más larga para la merluza",
    standfirst="La flota artesanal teme que la merluza desaparezca del estuario si no se reduce la presión pesquera.",
    authors=("Lucía Romero",),
    published="2026-11-11T12:45:00+00:00",
    modified="2026-11-11T12:45:00+00:00",
    tags=("Pesca", "Medio ambiente"),
    paragraphs=(
        "Los pescadores artesanales de Saltmere han pedido a las autoridades que amplíen de dos a cuatro meses la veda de la merluza en las aguas del estuario, después de una temporada en la que las capturas han caído a su nivel más bajo en veinte años.",
        "La petición, firmada por los patrones de casi todos los barcos pequeños del puerto, llega en un momento delicado para el sector. Según la cofradía local, cada embarcación ha desembarcado este año una media de un treinta por ciento menos de pescado que el año anterior, y muchos ejemplares no alcanzan la talla mínima.",
        "«Preferimos quedarnos en tierra unas semanas más ahora que no tener nada que pescar dentro de cinco años», explica Jorge Almeida, que faena desde hace tres décadas con un barco de diez metros. Almeida, nacido en Galicia, llegó a Saltmere a finales de los años noventa y forma parte de una comunidad de pescadores de origen español que sigue muy presente en el puerto.",
        "Los científicos del instituto oceanográfico regional coinciden en que la población de merluza muestra signos de agotamiento. Sus estudios indican que el aumento de la temperatura del agua ha desplazado a parte de los bancos hacia el norte y que la pesca intensiva de arrastre en alta mar reduce el número de peces jóvenes que llegan a la costa.",
        "Sin embargo, la propuesta no cuenta con el apoyo de los grandes arrastreros, que consideran que una veda más larga pondría en peligro cientos de empleos en la industria de transformación. Piden, en cambio, ayudas públicas para modernizar las redes y hacerlas más selectivas.",
        "La autoridad pesquera ha prometido estudiar la petición y tomar una decisión antes de que termine el año. Mientras tanto, los pescadores artesanales han empezado a vender parte de sus capturas directamente a restaurantes de la ciudad para compensar la caída de los precios en la lonja.",
    ),
)

DROUGHT = Article(
    outlet=MERIDIAN,
    slug="la-sequia-obliga-a-restringir-el-riego-en-el-valle-del-aranda",
    uid=7403321,
    lang="es",
    section="world",
    title="La sequía obliga a restringir el riego en el valle del Aranda",
    standfirst="Los embalses de la cuenca están al 18 por ciento de su capacidad tras tres años de lluvias escasas.",
    authors=("Ana Beltrán",),
    published="2026-11-07T10:15:00+01:00",
    modified="2026-11-07T14:00:00+01:00",
    tags=("Sequía", "Agricultura", "Agua"),
    paragraphs=(
        "Las autoridades hidrográficas del valle del Aranda anunciaron el sábado nuevas restricciones al riego agrícola después de que los embalses de la cuenca cayeran al 18 por ciento de su capacidad, el nivel más bajo registrado desde que existen mediciones.",
        "A partir del lunes, los agricultores solo podrán regar dos días por semana y deberán reducir en un cuarenta por ciento el volumen de agua que utilizan. Los cultivos leñosos, como los olivos y los almendros, tendrán prioridad sobre los cultivos de temporada, con el fin de salvar árboles que tardarían años en volver a producir.",
        "La región encadena tres años con lluvias muy por debajo de la media. Los meteorólogos señalan que el otoño, que suele traer las tormentas más intensas del año, ha sido hasta ahora especialmente seco, y no prevén cambios importantes en las próximas semanas.",
        "«Llevo cuarenta años en el campo y nunca había visto el río así», lamenta Carmen Ortega, que cultiva hortalizas en una pequeña explotación familiar cerca de la capital comarcal. «Este año hemos dejado sin sembrar la mitad de la tierra, porque no sabemos si vamos a tener agua para sacar la cosecha adelante.»",
        "Las organizaciones agrarias calculan que las pérdidas podrían superar los 300 millones de euros y reclaman ayudas urgentes, así como inversiones en la modernización de los canales, por los que se pierde una parte importante del agua antes de llegar a las parcelas.",
        "Por ahora, el suministro de agua potable a los municipios está garantizado, aunque varios ayuntamientos ya han cerrado las fuentes ornamentales y prohibido el llenado de piscinas privadas. Las autoridades no descartan cortes nocturnos en algunas localidades si la situación no mejora antes de la primavera.",
    ),
)

ARTICLES: tuple[Article, ...] = (HAKE_BAN, DROUGHT)
