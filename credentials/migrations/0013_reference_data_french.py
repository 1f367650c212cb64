"""The reference data in French: the frameworks' and levels' names and descriptions, and the
ISCED-F 2013 detailed fields as UNESCO publishes them in French (CITE-F 2013).

Official French names where they exist: the Ontario ministry's *Cadre de classification des
titres de compétence de l'Ontario* (CCTCO) and its categories, the European Union's *Cadre
européen des certifications* (CEC). New Zealand publishes no French name, so its framework
keeps the English name with a French gloss. Frozen here, as 0002 is, so this migration means
the same thing whenever it runs; tests/conftest.py runs `load` again after a flush.
"""

from django.db import migrations, models

FRAMEWORK_NAMES = {
    "OQF": "Cadre de classification des titres de compétence de l’Ontario",
    "NZQF": "New Zealand Qualifications and Credentials Framework "
            "(cadre néo-zélandais des qualifications et des titres de compétences)",
    "EQF": "Cadre européen des certifications (CEC)",
}

# The CCTCO's thirteen categories, with the same summaries as 0002's, in French.
OQF = [
    (1, "Certificat I", "Habiletés, connaissances et attitudes nécessaires pour répondre à des exigences d’emploi précises et restreintes. Habituellement 40 heures d’enseignement."),
    (2, "Certificat II", "Habiletés, connaissances et attitudes nécessaires pour exercer un éventail limité d’activités dans une gamme de fonctions prescrites. Habituellement de 240 à 500 heures d’enseignement."),
    (3, "Certificat d’apprentissage", "Les habiletés et les connaissances d’un métier ou d’une profession donnés ; la formation se déroule en milieu de travail. Jusqu’à cinq ans."),
    (4, "Certificat de qualification", "La réussite de l’examen de qualification ou d’accréditation d’un métier ou d’une profession."),
    (5, "Certificat III", "Habiletés, connaissances et attitudes nécessaires pour exercer un éventail défini d’activités variées dans une gamme de fonctions prescrites, selon des routines et des procédures établies. Habituellement de 600 à 700 heures d’enseignement."),
    (6, "Diplôme I", "Habiletés, connaissances et attitudes nécessaires pour travailler dans une gamme étendue de fonctions techniques ou administratives ; coordination et évaluation. Habituellement 1 000 heures d’enseignement et plus."),
    (7, "Diplôme II", "Comme le Diplôme I, et amène les étudiants à apprendre dans des disciplines extérieures à leur domaine d’études principal. Habituellement de 1 200 à 1 400 heures d’enseignement."),
    (8, "Diplôme avancé", "Connaissances, habiletés et attitudes nécessaires pour travailler dans une gamme étendue de fonctions techniques ou de gestion dans de nombreux secteurs professionnels. Habituellement de 1 800 à 2 100 heures d’enseignement."),
    (9, "Certificat postdiplôme", "Approfondit les connaissances et les habiletés acquises dans un programme de diplôme ou de diplôme avancé, ou donne aux titulaires d’un baccalauréat des connaissances et des habiletés précises dans un domaine professionnel appliqué. Habituellement de 600 à 700 heures d’enseignement."),
    (10, "Baccalauréat", "Une certaine étendue de connaissances et une maturité conceptuelle, dont des connaissances spécialisées dans au moins une discipline ou un domaine. Habituellement six semestres."),
    (11, "Baccalauréat spécialisé", "Une plus grande maturité conceptuelle, des connaissances spécialisées et une autonomie intellectuelle ; normalement un travail de recherche, un mémoire, un projet ou une exposition de fin d’études supervisés. Habituellement huit semestres."),
    (12, "Maîtrise", "Acquérir et démontrer, sous supervision, des compétences de recherche avancées, ou des compétences de recherche, d’analyse, d’interprétation, de méthodologie et d’exposition dans le cadre de cours. Habituellement de trois à cinq semestres."),
    (13, "Doctorat", "Une grande autonomie intellectuelle ; concevoir, élaborer et mener des projets qui produisent de nouvelles connaissances importantes, habituellement par une recherche originale ou une activité de création."),
]

NZQF = [
    (1, "Niveau 1", "Connaissances générales et fondamentales de base ; les applique à des tâches simples et très structurées sous étroite supervision. Certificats."),
    (2, "Niveau 2", "Connaissances factuelles et opérationnelles de base d’un domaine ; tâches courantes dans un contexte structuré sous supervision générale. Certificats."),
    (3, "Niveau 3", "Certaines connaissances opérationnelles et théoriques ; un éventail de tâches connues avec une certaine responsabilité de son propre apprentissage. Certificats."),
    (4, "Niveau 4", "Vastes connaissances opérationnelles et théoriques ; autogestion de l’apprentissage et une certaine responsabilité du rendement d’autrui. Certificats."),
    (5, "Niveau 5", "Vastes connaissances opérationnelles ou techniques et théoriques dans un domaine précis ; entière responsabilité de son propre apprentissage. Diplômes."),
    (6, "Niveau 6", "Connaissances techniques ou théoriques spécialisées et approfondies ; planification et gestion de processus et d’autres personnes. Diplômes."),
    (7, "Niveau 7", "Connaissances techniques ou théoriques spécialisées et approfondies dans un ou plusieurs domaines ; habiletés générales ou professionnelles avancées. Baccalauréats, diplômes et certificats d’études supérieures."),
    (8, "Niveau 8", "Connaissances techniques ou théoriques avancées dans une discipline ou une pratique ; pensée critique et application autonome. Diplômes et certificats de troisième cycle, baccalauréats spécialisés."),
    (9, "Niveau 9", "Connaissances très spécialisées à la fine pointe d’un domaine ; recherche ou pratique professionnelle autonome. Maîtrises."),
    (10, "Niveau 10", "Connaissances à la frontière la plus avancée d’un domaine ; une contribution originale au savoir par la recherche. Doctorats."),
]

# The CEC's descriptors (savoirs, aptitudes, responsabilité et autonomie), summarised as in 0002.
EQF = [
    (1, "Niveau 1", "Savoirs généraux de base ; aptitudes de base pour effectuer des tâches simples ; travail ou études sous supervision directe dans un contexte structuré."),
    (2, "Niveau 2", "Savoirs factuels de base dans un domaine ; aptitudes cognitives et pratiques de base pour utiliser des informations utiles à la résolution de problèmes courants ; une certaine autonomie."),
    (3, "Niveau 3", "Savoirs couvrant des faits, principes, processus et concepts généraux dans un domaine ; une gamme d’aptitudes pour réaliser des tâches et résoudre des problèmes ; responsabilité de l’exécution des tâches."),
    (4, "Niveau 4", "Savoirs factuels et théoriques dans des contextes généraux ; aptitudes pour imaginer des solutions à des problèmes précis ; autogestion dans le cadre de consignes ; supervision du travail habituel d’autres personnes."),
    (5, "Niveau 5", "Savoirs détaillés, spécialisés, factuels et théoriques ; solutions créatives à des problèmes abstraits ; gestion et supervision dans des contextes où les changements sont imprévisibles."),
    (6, "Niveau 6", "Savoirs approfondis impliquant une compréhension critique de théories et de principes ; aptitudes avancées faisant preuve de maîtrise et de sens de l’innovation ; gestion d’activités techniques ou professionnelles complexes."),
    (7, "Niveau 7", "Savoirs hautement spécialisés, dont certains à l’avant-garde d’un domaine, à la base d’une pensée originale ; aptitudes spécialisées pour résoudre des problèmes ; gestion de contextes complexes et imprévisibles."),
    (8, "Niveau 8", "Savoirs à la frontière la plus avancée d’un domaine ; les aptitudes les plus avancées et spécialisées pour la recherche et l’innovation ; autorité, autonomie et intégrité scientifique importantes."),
]

LEVELS = {"OQF": OQF, "NZQF": NZQF, "EQF": EQF}

# CITE-F 2013 (Institut de statistique de l'UNESCO), the same detailed fields as 0002's.
FIELDS_OF_STUDY = {
    "0011": "Programmes et certifications de base",
    "0021": "Alphabétisation et apprentissage du calcul",
    "0031": "Compétences personnelles et développement",
    "0111": "Sciences de l’éducation",
    "0112": "Formation des enseignants du préscolaire",
    "0113": "Formation des enseignants sans spécialisation par matière",
    "0114": "Formation des enseignants avec spécialisation par matière",
    "0119": "Éducation non classée ailleurs",
    "0188": "Programmes et certifications interdisciplinaires impliquant l’éducation",
    "0211": "Techniques audiovisuelles et production médiatique",
    "0212": "Design de mode, d’intérieur et industriel",
    "0213": "Beaux-arts",
    "0214": "Artisanat",
    "0215": "Musique et arts du spectacle",
    "0219": "Arts non classés ailleurs",
    "0221": "Religion et théologie",
    "0222": "Histoire et archéologie",
    "0223": "Philosophie et éthique",
    "0229": "Lettres (à l’exception des langues) non classées ailleurs",
    "0231": "Acquisition de langues",
    "0232": "Littérature et linguistique",
    "0239": "Langues non classées ailleurs",
    "0288": "Programmes et certifications interdisciplinaires impliquant les arts et les lettres",
    "0311": "Économie",
    "0312": "Sciences politiques et éducation civique",
    "0313": "Psychologie",
    "0314": "Sociologie et études culturelles",
    "0319": "Sciences sociales et du comportement non classées ailleurs",
    "0321": "Journalisme et reportage",
    "0322": "Bibliothéconomie, information et archivistique",
    "0329": "Journalisme et information non classés ailleurs",
    "0388": "Programmes et certifications interdisciplinaires impliquant les sciences sociales, "
            "le journalisme et l’information",
    "0411": "Comptabilité et fiscalité",
    "0412": "Finance, banque et assurances",
    "0413": "Gestion et administration",
    "0414": "Marketing et publicité",
    "0415": "Secrétariat et travail de bureau",
    "0416": "Vente en gros et au détail",
    "0417": "Compétences pour le monde du travail",
    "0419": "Commerce et administration non classés ailleurs",
    "0421": "Droit",
    "0429": "Droit non classé ailleurs",
    "0488": "Programmes et certifications interdisciplinaires impliquant le commerce, l’administration et le droit",
    "0511": "Biologie",
    "0512": "Biochimie",
    "0519": "Sciences biologiques et apparentées non classées ailleurs",
    "0521": "Sciences de l’environnement",
    "0522": "Milieux naturels et faune sauvage",
    "0529": "Environnement non classé ailleurs",
    "0531": "Chimie",
    "0532": "Sciences de la Terre",
    "0533": "Physique",
    "0539": "Sciences physiques non classées ailleurs",
    "0541": "Mathématiques",
    "0542": "Statistique",
    "0549": "Mathématiques et statistique non classées ailleurs",
    "0588": "Programmes et certifications interdisciplinaires impliquant les sciences naturelles, "
            "les mathématiques et la statistique",
    "0611": "Utilisation de l’ordinateur",
    "0612": "Conception et administration de bases de données et de réseaux",
    "0613": "Conception et analyse de logiciels et d’applications",
    "0619": "Technologies de l’information et de la communication (TIC) non classées ailleurs",
    "0688": "Programmes et certifications interdisciplinaires impliquant les technologies de l’information "
            "et de la communication (TIC)",
    "0711": "Génie chimique et procédés chimiques",
    "0712": "Technologies de protection de l’environnement",
    "0713": "Électricité et énergie",
    "0714": "Électronique et automatisation",
    "0715": "Mécanique et travail des métaux",
    "0716": "Véhicules à moteur, navires et aéronefs",
    "0719": "Ingénierie et techniques apparentées non classées ailleurs",
    "0721": "Transformation des aliments",
    "0722": "Matériaux (verre, papier, plastique et bois)",
    "0723": "Textiles (vêtements, chaussures et cuir)",
    "0724": "Industries extractives",
    "0729": "Industries de transformation et de traitement non classées ailleurs",
    "0731": "Architecture et urbanisme",
    "0732": "Bâtiment et génie civil",
    "0739": "Architecture et bâtiment non classés ailleurs",
    "0788": "Programmes et certifications interdisciplinaires impliquant l’ingénierie, les industries de "
            "transformation et de traitement et le bâtiment",
    "0811": "Production agricole et élevage",
    "0812": "Horticulture",
    "0819": "Agriculture non classée ailleurs",
    "0821": "Sylviculture",
    "0831": "Pêche",
    "0841": "Sciences vétérinaires",
    "0888": "Programmes et certifications interdisciplinaires impliquant l’agriculture, la sylviculture, "
            "la pêche et les sciences vétérinaires",
    "0911": "Études dentaires",
    "0912": "Médecine",
    "0913": "Soins infirmiers et obstétrique",
    "0914": "Technologies du diagnostic et du traitement médical",
    "0915": "Thérapie et réadaptation",
    "0916": "Pharmacie",
    "0917": "Médecine et thérapies traditionnelles et complémentaires",
    "0919": "Santé non classée ailleurs",
    "0921": "Soins aux personnes âgées et aux adultes handicapés",
    "0922": "Services à l’enfance et à la jeunesse",
    "0923": "Travail social et orientation",
    "0929": "Protection sociale non classée ailleurs",
    "0988": "Programmes et certifications interdisciplinaires impliquant la santé et la protection sociale",
    "1011": "Services domestiques",
    "1012": "Coiffure et soins de beauté",
    "1013": "Hôtellerie, restauration et traiteurs",
    "1014": "Sports",
    "1015": "Voyages, tourisme et loisirs",
    "1019": "Services aux particuliers non classés ailleurs",
    "1021": "Assainissement public",
    "1022": "Santé et sécurité au travail",
    "1029": "Hygiène et services de santé au travail non classés ailleurs",
    "1031": "Activités militaires et défense",
    "1032": "Protection des personnes et des biens",
    "1039": "Services de sécurité non classés ailleurs",
    "1041": "Services de transport",
    "1049": "Services de transport non classés ailleurs",
    "1088": "Programmes et certifications interdisciplinaires impliquant les services",
}


def load(apps, schema_editor):
    Framework = apps.get_model("credentials", "Framework")
    Level = apps.get_model("credentials", "Level")
    FieldOfStudy = apps.get_model("credentials", "FieldOfStudy")
    for code, name_fr in FRAMEWORK_NAMES.items():
        Framework.objects.filter(code=code).update(name_fr=name_fr)
    for code, levels in LEVELS.items():
        for number, name_fr, description_fr in levels:
            Level.objects.filter(id="%s-%d" % (code, number)).update(name_fr=name_fr, description_fr=description_fr)
    for code, name_fr in FIELDS_OF_STUDY.items():
        FieldOfStudy.objects.filter(code=code).update(name_fr=name_fr)


def unload(apps, schema_editor):
    """Nothing to undo: the fields themselves go when the migration is reversed."""


class Migration(migrations.Migration):
    dependencies = [("credentials", "0012_assessment_status_list_index")]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="name_fr",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="level",
            name="name_fr",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="level",
            name="description_fr",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="fieldofstudy",
            name="name_fr",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(load, unload),
    ]
