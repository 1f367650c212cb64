"""Reference data the system ships with: three qualifications frameworks and ISCED-F 2013.

Frozen here rather than imported from app code, so this migration means the same thing
whenever it runs. Admins may add frameworks later; these rows are the agency's baseline.
"""

from django.db import migrations

# The Ontario Qualifications Framework, as in Table 1 of the seed paper (13 categories).
OQF = [
    (1, "Certificate I", "Skills, knowledge and attitudes to meet narrowly defined job requirements. Typically 40 instructional hours."),
    (2, "Certificate II", "Skills, knowledge and attitudes to work in a limited range of activities within a prescribed range of functions. Typically 240–500 instructional hours."),
    (3, "Certificate of Apprenticeship", "The skills and knowledge of a specific trade or occupation; training is workplace-based. Up to five years."),
    (4, "Certificate of Qualification", "Successful completion of the qualification or certification examination for a trade or occupation."),
    (5, "Certificate III", "Skills, knowledge and attitudes to perform a defined range of varied activities within a prescribed range of functions involving known routines and procedures. Typically 600–700 instructional hours."),
    (6, "Diploma I", "Skills, knowledge and attitudes to work within a broad range of technical and/or administrative requirements, coordination and evaluation. Typically 1,000+ instructional hours."),
    (7, "Diploma II", "As Diploma I, and engages students in learning in disciplines outside their main field of study. Typically 1,200–1,400 instructional hours."),
    (8, "Advanced Diploma", "Knowledge, skills and attitudes to work within a broad range of technical and/or management functions in a broad range of occupational areas. Typically 1,800–2,100 instructional hours."),
    (9, "Post-Diploma Certificate", "Deepens knowledge and skills gained through a diploma or advanced diploma, or gives baccalaureate graduates specific knowledge and skills for an applied occupational area. Typically 600–700 instructional hours."),
    (10, "Baccalaureate/Bachelor's Degree", "Some broad knowledge and conceptual sophistication, including specialised knowledge in at least one discipline or field. Typically 6 semesters."),
    (11, "Baccalaureate/Bachelor's Degree (Honours)", "More conceptual sophistication, specialised knowledge and intellectual autonomy; normally a supervised terminal research paper, thesis, project or exhibition. Typically 8 semesters."),
    (12, "Master's Degree", "Develop and demonstrate advanced research skills under supervision, or the research, analytical, interpretative, methodological and expository skills in course exercises. Typically 3–5 semesters."),
    (13, "Doctoral Degree", "A high degree of intellectual autonomy; conceive, design and implement projects that generate significant new knowledge, usually through original research or creative activity."),
]

NZQF = [
    (1, "Level 1", "Basic general and foundation knowledge; applies it to simple, highly structured work under close supervision. Certificates."),
    (2, "Level 2", "Basic factual and operational knowledge of a field; routine tasks in a structured context under general supervision. Certificates."),
    (3, "Level 3", "Some operational and theoretical knowledge; a range of known tasks with some responsibility for own learning. Certificates."),
    (4, "Level 4", "Broad operational and theoretical knowledge; self-management of learning and some responsibility for the performance of others. Certificates."),
    (5, "Level 5", "Broad operational or technical and theoretical knowledge within a specific field; complete responsibility for own learning. Diplomas."),
    (6, "Level 6", "Specialised technical or theoretical knowledge with depth; planning and management of processes and others. Diplomas."),
    (7, "Level 7", "Specialised technical or theoretical knowledge with depth in one or more fields; advanced generalised and/or professional skills. Bachelor's degrees, graduate diplomas and certificates."),
    (8, "Level 8", "Advanced technical and/or theoretical knowledge in a discipline or practice; critical thinking and independent application. Postgraduate diplomas and certificates, bachelor's honours degrees."),
    (9, "Level 9", "Highly specialised knowledge at the frontier of a field; independent research or professional practice. Master's degrees."),
    (10, "Level 10", "Knowledge at the most advanced frontier of a field; an original contribution to knowledge through research. Doctoral degrees."),
]

EQF = [
    (1, "Level 1", "Basic general knowledge; basic skills for simple tasks; work or study under direct supervision in a structured context."),
    (2, "Level 2", "Basic factual knowledge of a field; basic cognitive and practical skills to use relevant information for routine problems; some autonomy."),
    (3, "Level 3", "Knowledge of facts, principles, processes and general concepts in a field; a range of skills to accomplish tasks and solve problems; responsibility for completing tasks."),
    (4, "Level 4", "Factual and theoretical knowledge in broad contexts; skills to generate solutions to specific problems; self-management within guidelines; supervises the routine work of others."),
    (5, "Level 5", "Comprehensive, specialised, factual and theoretical knowledge; creative solutions to abstract problems; management and supervision where change is unpredictable."),
    (6, "Level 6", "Advanced knowledge involving a critical understanding of theories and principles; advanced skills demonstrating mastery and innovation; manages complex technical or professional activities."),
    (7, "Level 7", "Highly specialised knowledge, some at the forefront of a field, as the basis for original thinking; specialised problem-solving skills; manages complex, unpredictable contexts."),
    (8, "Level 8", "Knowledge at the most advanced frontier of a field; the most advanced and specialised skills for research and innovation; substantial authority, autonomy and scholarly integrity."),
]

FRAMEWORKS = [
    ("OQF", "Ontario Qualifications Framework", True, OQF),
    ("NZQF", "New Zealand Qualifications and Credentials Framework", False, NZQF),
    ("EQF", "European Qualifications Framework", False, EQF),
]

# ISCED-F 2013 detailed fields (UNESCO Institute for Statistics); "not further defined"
# codes (ending in 0) are left out because a provider always knows the detailed field.
FIELDS_OF_STUDY = [
    ("0011", "Basic programmes and qualifications"),
    ("0021", "Literacy and numeracy"),
    ("0031", "Personal skills and development"),
    ("0111", "Education science"),
    ("0112", "Training for pre-school teachers"),
    ("0113", "Teacher training without subject specialisation"),
    ("0114", "Teacher training with subject specialisation"),
    ("0119", "Education not elsewhere classified"),
    ("0188", "Inter-disciplinary programmes and qualifications involving education"),
    ("0211", "Audio-visual techniques and media production"),
    ("0212", "Fashion, interior and industrial design"),
    ("0213", "Fine arts"),
    ("0214", "Handicrafts"),
    ("0215", "Music and performing arts"),
    ("0219", "Arts not elsewhere classified"),
    ("0221", "Religion and theology"),
    ("0222", "History and archaeology"),
    ("0223", "Philosophy and ethics"),
    ("0229", "Humanities (except languages) not elsewhere classified"),
    ("0231", "Language acquisition"),
    ("0232", "Literature and linguistics"),
    ("0239", "Languages not elsewhere classified"),
    ("0288", "Inter-disciplinary programmes and qualifications involving arts and humanities"),
    ("0311", "Economics"),
    ("0312", "Political sciences and civics"),
    ("0313", "Psychology"),
    ("0314", "Sociology and cultural studies"),
    ("0319", "Social and behavioural sciences not elsewhere classified"),
    ("0321", "Journalism and reporting"),
    ("0322", "Library, information and archival studies"),
    ("0329", "Journalism and information not elsewhere classified"),
    ("0388", "Inter-disciplinary programmes and qualifications involving social sciences, journalism and information"),
    ("0411", "Accounting and taxation"),
    ("0412", "Finance, banking and insurance"),
    ("0413", "Management and administration"),
    ("0414", "Marketing and advertising"),
    ("0415", "Secretarial and office work"),
    ("0416", "Wholesale and retail sales"),
    ("0417", "Work skills"),
    ("0419", "Business and administration not elsewhere classified"),
    ("0421", "Law"),
    ("0429", "Law not elsewhere classified"),
    ("0488", "Inter-disciplinary programmes and qualifications involving business, administration and law"),
    ("0511", "Biology"),
    ("0512", "Biochemistry"),
    ("0519", "Biological and related sciences not elsewhere classified"),
    ("0521", "Environmental sciences"),
    ("0522", "Natural environments and wildlife"),
    ("0529", "Environment not elsewhere classified"),
    ("0531", "Chemistry"),
    ("0532", "Earth sciences"),
    ("0533", "Physics"),
    ("0539", "Physical sciences not elsewhere classified"),
    ("0541", "Mathematics"),
    ("0542", "Statistics"),
    ("0549", "Mathematics and statistics not elsewhere classified"),
    ("0588", "Inter-disciplinary programmes and qualifications involving natural sciences, mathematics and statistics"),
    ("0611", "Computer use"),
    ("0612", "Database and network design and administration"),
    ("0613", "Software and applications development and analysis"),
    ("0619", "Information and Communication Technologies not elsewhere classified"),
    ("0688", "Inter-disciplinary programmes and qualifications involving Information and Communication Technologies"),
    ("0711", "Chemical engineering and processes"),
    ("0712", "Environmental protection technology"),
    ("0713", "Electricity and energy"),
    ("0714", "Electronics and automation"),
    ("0715", "Mechanics and metal trades"),
    ("0716", "Motor vehicles, ships and aircraft"),
    ("0719", "Engineering and engineering trades not elsewhere classified"),
    ("0721", "Food processing"),
    ("0722", "Materials (glass, paper, plastic and wood)"),
    ("0723", "Textiles (clothes, footwear and leather)"),
    ("0724", "Mining and extraction"),
    ("0729", "Manufacturing and processing not elsewhere classified"),
    ("0731", "Architecture and town planning"),
    ("0732", "Building and civil engineering"),
    ("0739", "Architecture and construction not elsewhere classified"),
    ("0788", "Inter-disciplinary programmes and qualifications involving engineering, manufacturing and construction"),
    ("0811", "Crop and livestock production"),
    ("0812", "Horticulture"),
    ("0819", "Agriculture not elsewhere classified"),
    ("0821", "Forestry"),
    ("0831", "Fisheries"),
    ("0841", "Veterinary"),
    ("0888", "Inter-disciplinary programmes and qualifications involving agriculture, forestry, fisheries and veterinary"),
    ("0911", "Dental studies"),
    ("0912", "Medicine"),
    ("0913", "Nursing and midwifery"),
    ("0914", "Medical diagnostic and treatment technology"),
    ("0915", "Therapy and rehabilitation"),
    ("0916", "Pharmacy"),
    ("0917", "Traditional and complementary medicine and therapy"),
    ("0919", "Health not elsewhere classified"),
    ("0921", "Care of the elderly and of disabled adults"),
    ("0922", "Child care and youth services"),
    ("0923", "Social work and counselling"),
    ("0929", "Welfare not elsewhere classified"),
    ("0988", "Inter-disciplinary programmes and qualifications involving health and welfare"),
    ("1011", "Domestic services"),
    ("1012", "Hair and beauty services"),
    ("1013", "Hotel, restaurants and catering"),
    ("1014", "Sports"),
    ("1015", "Travel, tourism and leisure"),
    ("1019", "Personal services not elsewhere classified"),
    ("1021", "Community sanitation"),
    ("1022", "Occupational health and safety"),
    ("1029", "Hygiene and occupational health services not elsewhere classified"),
    ("1031", "Military and defence"),
    ("1032", "Protection of persons and property"),
    ("1039", "Security services not elsewhere classified"),
    ("1041", "Transport services"),
    ("1049", "Transport services not elsewhere classified"),
    ("1088", "Inter-disciplinary programmes and qualifications involving services"),
]


def load(apps, schema_editor):
    Framework = apps.get_model("credentials", "Framework")
    Level = apps.get_model("credentials", "Level")
    FieldOfStudy = apps.get_model("credentials", "FieldOfStudy")
    for position, (code, name, is_default, levels) in enumerate(FRAMEWORKS):
        framework, _ = Framework.objects.update_or_create(
            code=code, defaults={"name": name, "is_default": is_default, "position": position}
        )
        for number, level_name, description in levels:
            Level.objects.update_or_create(
                id="%s-%d" % (code, number),
                defaults={"framework": framework, "number": number, "name": level_name, "description": description},
            )
    for code, name in FIELDS_OF_STUDY:
        FieldOfStudy.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
