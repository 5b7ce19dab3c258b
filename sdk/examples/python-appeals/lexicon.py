"""The keyword lexicon, a copy of `sdk/examples/appeals-triage/src/lexicon.txt`
(the Rust agent's; its header explains the format). Parsed once, when
componentize-py pre-initialises the module at build time."""

TEXT = """# Keyword lexicon of the appeals-triage agent.
#
# One rule per line: `target | weight | term, term, ...`.
# - `target` is an `appeal_categories` code, or a priority marker:
#   `!urgent`, `!high`, `!low`, `!heating` (no heating) and `!winter`.
# - A term is one or more word stems; each stem matches a word that starts
#   with it (`autobus` matches `autobuses`), a multi-stem term matches
#   consecutive words. A stem ending in `=` must match the whole word.
# - Terms are written naturally (accents, Kazakh letters): the agent
#   normalises them exactly like the appeal text (lower case, no accents,
#   Kazakh letters folded to Russian ones, doubled letters collapsed, b/v
#   and initial h merged in Latin words), so typing without accents or on a
#   Russian keyboard still matches.
# Languages share one table: scripts keep them apart, and Kazakh appeals
# use Russian loanwords. Comments and blank lines are ignored.

# --- roads: pavements and carriageways ---------------------------------
roads | 2 | bache, socavón, asfalto, calzada, acera, baldosa, pavimento, adoquín, bordillo, firme levantado
roads | 1 | hundido, levantada, grieta, raíces, encharca
roads | 2 | яма, ямы, ямк, выбоин, асфальт, тротуар, бордюр, колдобин, дорожн покрыти
roads | 1 | дорог, разруш, объезжа, встречн
roads | 2 | шұңқыр, асфальт, жаяу жүргіншілер жол, жол жөндеу
roads | 1 | жол=, жолда, жолы=, жолдың, өте алмайды

# --- street_lighting -----------------------------------------------------
street_lighting | 2 | farola, alumbrado, bombilla, a oscuras, sin luz, fundida, fundidas
street_lighting | 1 | oscur, parpadea, luz=, apagad
street_lighting | 2 | фонар, освещени, лампочк, не горят, не горит
street_lighting | 1 | темно, темнот, свет=
street_lighting | 2 | шам, жарығы, жанбайды, жарықтандыру
street_lighting | 1 | қараңғы

# --- waste_cleaning ------------------------------------------------------
waste_cleaning | 2 | basura, contenedor, residuo, recogida, limpieza viaria, escombro, colchón, colchones, reciclaje, papelera, vidrio, desbordad
waste_cleaning | 1 | limpieza, suciedad, barrer, barre=, barrido, muebles abandonados, huele fatal, hojas, excremento
waste_cleaning | 2 | мусор, контейнер, отход, вывоз, свалк, уборк улиц, контейнерн площадк
waste_cleaning | 1 | грязь, грязн, уборк, переполнен, запах
waste_cleaning | 2 | қоқыс, контейнер, шығарылмайды, тазалау, қалдық
waste_cleaning | 1 | лас

# --- green_areas ---------------------------------------------------------
green_areas | 2 | árbol, arbolado, poda, ramas, rama=, césped, zona verde, zonas verdes, jardín, jardines, plátanos, seto
green_areas | 1 | parque, seco=, bancos rotos
green_areas | 2 | дерев, ветк, сквер, газон, озеленени, клумб, благоустро
green_areas | 1 | парк, сух
green_areas | 2 | ағаш, саябақ, жасыл желек, көгал, бұтақ, гүлзар
green_areas | 1 | құрғақ

# --- public_transport ----------------------------------------------------
public_transport | 2 | autobús, autobuses, emt=, marquesina, parada, línea, metro=, cercanías
public_transport | 1 | conductor, frecuencia, retraso, bus=
public_transport | 2 | автобус, маршрут, остановк, троллейбус, общественн транспорт, пассажир
public_transport | 1 | водител, проезд, ходит раз
public_transport | 2 | автобус, аялдама, бағыт, жолаушы, қоғамдық көлік
public_transport | 1 | жүргізуші, сағатына

# --- traffic_parking -----------------------------------------------------
traffic_parking | 2 | semáforo, doble fila, aparcad, aparcamiento, estacionamiento, reductores de velocidad, resalto, grúa, atasco, paso de peatones, furgoneta abandonada, coche abandonado, vehículo abandonado
traffic_parking | 1 | velocidad, coches, cruce, tráfico
traffic_parking | 2 | светофор, парку, парков, перекрест, пробк, эвакуатор, пешеходн переход, брошенн машин
traffic_parking | 1 | машины, скорост
traffic_parking | 2 | бағдаршам, көлік тұрағ, қиылыс, кептеліс, жылдамдық
traffic_parking | 1 | көліктер

# --- noise ---------------------------------------------------------------
noise | 2 | ruido, música alta, decibelio, no podemos dormir, no puedo dormir
noise | 1 | música, madrugada, terrazas, gritos, fiesta, obras
noise | 2 | шум, громк, тишин, спать невозможно
noise | 1 | музык, ночн клуб, ночью, строительн работ
noise | 2 | шу=, шулайды, шулат, шуыл
noise | 1 | түнгі клуб, ұйықта

# --- air_quality ---------------------------------------------------------
air_quality | 2 | calidad del aire, contaminad, contaminación, humo, chimenea, irrespirable, polución, emisiones, smog, partículas
air_quality | 1 | aire=, quemado, olor
air_quality | 2 | смог, дым, воздух, дышать, выброс, загрязн, копоть, топит углем, топят углем
air_quality | 1 | экологи, угл
air_quality | 2 | түтін, ауа сапа, дем алу, ластан, көмір, смог
air_quality | 1 | ауа=, экология

# --- taxes ---------------------------------------------------------------
taxes | 2 | ibi=, impuesto, tasa de basuras, tasa=, recargo, tributo, plusvalía, fraccionar, fraccionamiento, domiciliación, embargo, cobrado dos veces
taxes | 1 | pago, cobro, recibo, cobrado
taxes | 2 | налог, начислен, пеня, пени=, квитанц, задолженност
taxes | 1 | оплат, начислени
taxes | 2 | салық, төлем, есептелген, өсімпұл, қарыз
taxes | 1 | мүлік

# --- social_services -----------------------------------------------------
social_services | 2 | trabajadora social, trabajador social, servicios sociales, ayuda a domicilio, dependencia, teleasistencia, ingreso mínimo, prestación, comedor social, ayudas para familias
social_services | 1 | ayuda, ayudas, mayores, familias, hijos
social_services | 2 | пособи, социальн помощ, адресн, малоимущ, многодетн, инвалид, выплат, без дохода
social_services | 1 | социальн, пенси, семья из
social_services | 2 | әлеуметтік көмек, атаулы, жәрдемақы, көпбалалы, мүгедек, зейнетақы
social_services | 1 | әлеуметтік, отбасым, көмек

# --- public_health -------------------------------------------------------
public_health | 2 | rata, ratas, cucaracha, plaga, higiénic, insalubr, alcantarilla, desratización, fumigación, intoxicación, centro de salud, mosquitos, chinches
public_health | 1 | comida, salud, condiciones
public_health | 2 | поликлиник, врач, больниц, санитарн, крыс, тарака, медицинск, скорая помощ
public_health | 1 | здоровь, лекарств, записаться
public_health | 2 | емхана, дәрігер, аурухана, санитар, егеуқұйрық, жедел жәрдем
public_health | 1 | ауру, дәрі=, жазылу

# --- education -----------------------------------------------------------
education | 2 | escuela infantil, escuelas infantiles, escuela, colegio, instituto, matrícula, guardería, comedor escolar, profesor, alumnos
education | 1 | plazas, lista de espera, educación, beca
education | 2 | школ, детск сад, детсад, садик, учител, образовани, ученик
education | 1 | класс, ребенка не принимают
education | 2 | мектеп, балабақша, мұғалім, оқушы, білім беру
education | 1 | сынып, білім

# --- housing -------------------------------------------------------------
housing | 2 | vivienda, emvs=, alquiler, humedades, humedad, ascensor, goteras, okupa, desahucio, edificio municipal
housing | 1 | edificio, piso=, casa=, tubería, agua caliente
housing | 2 | жиль, квартир, аварийн, отоплени, подъезд, лифт, крыш, коммунальн, переселить, переселени, капремонт, трещин
housing | 1 | дом=, дома=, дом по, труб
housing | 2 | тұрғын үй, пәтер, апатты, жылу, лифт, құбыр, коммуналдық, көшіру, баспана
housing | 1 | үй=, үйде

# --- public_safety -------------------------------------------------------
public_safety | 2 | droga, robo, robos, pelea, peleas, policía municipal, policía, delincuen, vandalism, atraco, hurto, navaja, botellón, seguridad
public_safety | 1 | miedo, borracho, amenaz
public_safety | 2 | пьян, драк, краж, патрул, полици, хулиган, наркот, грабеж, безопасност
public_safety | 1 | компани, страшно
public_safety | 2 | патрульде, полиция, ұрлық, төбелес, қауіпсіздік, мас=, есірткі, бұзақы
public_safety | 1 | түнде

# --- culture_sports ------------------------------------------------------
culture_sports | 2 | piscina, polideportivo, deportiv, centro cultural, biblioteca, vestuarios, gimnasio, teatro, museo, actividades culturales
culture_sports | 1 | cultura, actividades, deporte
culture_sports | 2 | спортивн, секци, дом культур, библиотек, бассейн, стадион, музей, кружк
culture_sports | 1 | спорт, культур
culture_sports | 2 | спорт, мәдениет, секция, кітапхана, бассейн, стадион, үйірме

# --- citizen_services ----------------------------------------------------
citizen_services | 2 | cita previa, empadronamiento, padrón, línea madrid, 010=, trámite, certificado, atención a la ciudadanía, sede electrónica, oficina de atención
citizen_services | 1 | oficina, me atendieron, web=, cita=, teléfono
citizen_services | 2 | цон, егов, egov=, электронн очеред, госуслуг, справк, государственн услуг
citizen_services | 1 | услуг, систем, ошибк, очеред
citizen_services | 2 | хқко, халыққа қызмет көрсету, электрондық үкімет, анықтама, мемлекеттік қызмет
citizen_services | 1 | кезек, қызмет

# --- employment ----------------------------------------------------------
employment | 2 | empleo, agencia para el empleo, desempleo, paro=, oferta de trabajo, buscar trabajo, cursos de formación
employment | 1 | formación, curso, trabajo, inscribí
employment | 2 | трудоустр, безработ, без работы, ваканси, занятост, молодежн практик, центр занятост
employment | 1 | работу, практик
employment | 2 | жұмыссыз, жұмысқа орналас, жұмыспен қамту, жұмыс орны, вакансия, мамандық
employment | 1 | кәсіптік

# --- animals -------------------------------------------------------------
animals | 2 | perro, perros, gato, gatos, animal, colonia felina, colonia de gatos, mascota, ladridos, jabalí, palomas, perrera
animals | 1 | abandonado, muerto
animals | 2 | собак, кошк, животн, бездомн, бродяч, отлов, стая
animals | 1 | кот=, коты=
animals | 2 | ит=, иттер, мысық, жануар, иесіз, қаңғыбас
animals | 1 | шабуыл

# --- priority markers ----------------------------------------------------
# Danger to life or health now: gas leaks, fires, children in danger,
# collapses, live wires, floods.
!urgent | 2 | fuga de gas, huele a gas, olor a gas, escape de gas, incendio, fuego=, llamas, peligro de muerte, riesgo vital, electrocut, cables pelados, cable suelto, niño en peligro, niños en peligro, menor en peligro, derrumbe, se derrumba, inundación, inundado, riesgo de derrumbe
!urgent | 2 | утечк газ, запах газ, пахнет газ, пожар, горит=, возгорани, угроза жизни, угрожает жизни, опасно для жизни, ребенок в опасности, дети в опасности, нападает на детей, нападают на детей, обрушени, рухнет, оборван провод, оголенн провод, затопил, прорыв труб
!urgent | 2 | газ иісі, газ ағып, өрт=, өрт шықты, жанып жатыр, өмірге қауіп, балаларға шабуыл, бала қауіпте, құлау қаупі, су басып
# Needs attention soon.
!high | 1 | urgente, urgencia, peligro, peligroso, accidente, herido, se han caído, se cayó, a punto de caer, inmediat, grave, hagan algo ya
!high | 1 | срочно, опасн, критическ, немедленно, авари, травм, угроз, ситуация критическ, может упасть
!high | 1 | шұғыл, қауіпті, қауіп, жедел, құлауы мүмкін
# No heating: urgent in winter, high otherwise.
!heating | 1 | sin calefacción, calefacción no funciona, calefacción de la, no hay calefacción, нет отоплени, отоплени не работает, отопление в доме, жылу жоқ, жылу берілмей
!winter | 1 | invierno, frío, helad, bajo cero, зим, мороз, холод, замерза, қыс, суық, аяз, үси
# Thanks, suggestions and requests for information.
!low | 1 | felicit, agradec, sugiero, sugerencia, propongo, propuesta, una consulta, solicito información, quería saber, quisiera saber
!low | 0.5 | gracias, muy bien
!low | 1 | благодар, предлагаю, предложени, отзыв, разъяснить, предоставить информаци
!low | 0.5 | спасибо
!low | 1 | алғыс, ұсыныс, ақпарат беру
!low | 0.5 | рахмет
"""
