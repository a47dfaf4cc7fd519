import Domain
import Foundation
import Postgres
import Matching
import Storage
/// A project an NGO in this focus area might propose.
struct SeedProjectIdea: Sendable {
    let title: LocalizedText
    /// A noun phrase that reads well followed by "in <region>".
    let summary: LocalizedText
}

/// One of the 16 focus areas with the phrases seed texts are built from.
struct SeedFocusArea: Sendable {
    let code: String
    /// What an NGO does, as a verb phrase after its subject: "оказывает адресную помощь …".
    let activity: LocalizedText
    /// The field, as it follows "в сфере" / "саласы" / "in": "социальной защиты".
    let field: LocalizedText
    /// A name part for NGOs, after the brand in Kazakh and English, before it in Russian:
    /// «Үміт инклюзия орталығы», «Центр инклюзии Умит», "Umit Inclusion Centre".
    let descriptor: LocalizedText
    let ideas: [SeedProjectIdea]

    static let all: [SeedFocusArea] = [
        SeedFocusArea(
            code: "social_protection",
            activity: LocalizedText(
                kk: "аз қамтылған және көпбалалы отбасыларға атаулы көмек көрсетеді",
                ru: "оказывает адресную помощь малообеспеченным и многодетным семьям",
                en: "provides targeted aid to low-income and large families"
            ),
            field: LocalizedText(kk: "әлеуметтік қорғау", ru: "социальной защиты", en: "social protection"),
            descriptor: LocalizedText(kk: "әлеуметтік қолдау орталығы", ru: "Центр социальной поддержки", en: "Social Support Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Көпбалалы отбасыларға азық-түлік себеті", ru: "Продуктовые наборы для многодетных семей", en: "Food parcels for large families"),
                    summary: LocalizedText(
                        kk: "Қиын жағдайдағы отбасыларға ай сайынғы азық-түлік себеті және әлеуметтік қызметкер кеңесі",
                        ru: "Ежемесячные продуктовые наборы и консультации социального работника для семей в трудной ситуации",
                        en: "Monthly food parcels and social worker support for families in hardship"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Әлеуметтік киім дүкені", ru: "Социальный гардероб", en: "Community clothing bank"),
                    summary: LocalizedText(
                        kk: "Мұқтаж отбасылар мен баспанасыз жандарға киім мен аяқ киім жинау және тарату",
                        ru: "Сбор и выдача одежды и обуви нуждающимся семьям и людям без жилья",
                        en: "Collecting and handing out clothes and shoes to families in need and homeless people"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "health",
            activity: LocalizedText(
                kk: "салауатты өмір салтын және аурулардың алдын алуды насихаттайды",
                ru: "продвигает здоровый образ жизни и профилактику заболеваний",
                en: "promotes healthy lifestyles and disease prevention"
            ),
            field: LocalizedText(kk: "денсаулық сақтау", ru: "здравоохранения", en: "health care"),
            descriptor: LocalizedText(kk: "денсаулық орталығы", ru: "Центр здоровья", en: "Health Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауылдарда қант диабетінің жылжымалы скринингі", ru: "Мобильный скрининг диабета в сёлах", en: "Mobile diabetes screening in villages"),
                    summary: LocalizedText(
                        kk: "Шалғай ауыл тұрғындарына көшпелі топтардың тегін тексеруі мен кеңесі",
                        ru: "Бесплатные обследования и консультации выездных бригад для жителей отдалённых сёл",
                        en: "Free check-ups and advice from mobile teams for residents of remote villages"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Болашақ аналарға арналған денсаулық мектебі", ru: "Школа здоровья для будущих мам", en: "Health school for expectant mothers"),
                    summary: LocalizedText(
                        kk: "Жүкті әйелдер мен жас отбасыларға акушерлер мен психологтардың сабақтары",
                        ru: "Занятия с акушерами и психологами для беременных женщин и молодых семей",
                        en: "Classes with midwives and psychologists for pregnant women and young families"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "education",
            activity: LocalizedText(
                kk: "оқушылар мен студенттерге білім беру бағдарламаларын өткізеді",
                ru: "проводит образовательные программы для школьников и студентов",
                en: "runs educational programmes for school and university students"
            ),
            field: LocalizedText(kk: "білім беру", ru: "образования", en: "education"),
            descriptor: LocalizedText(kk: "білім орталығы", ru: "Образовательный центр", en: "Education Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауыл оқушыларына ҰБТ-ға тегін дайындық", ru: "Бесплатная подготовка к ЕНТ для сельских школьников", en: "Free entrance exam preparation for rural pupils"),
                    summary: LocalizedText(
                        kk: "Математика, Қазақстан тарихы және оқу сауаттылығы бойынша онлайн және күндізгі сабақтар",
                        ru: "Онлайн- и очные занятия по математике, истории Казахстана и грамотности чтения",
                        en: "Online and in-person classes in maths, Kazakh history and reading literacy"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Жаңа форматтағы ауылдық кітапхана", ru: "Сельская библиотека нового формата", en: "A modern village library"),
                    summary: LocalizedText(
                        kk: "Кітап қорын жаңарту және балалар мен жасөспірімдерге оқу клубын ашу",
                        ru: "Обновление книжного фонда и читательский клуб для детей и подростков",
                        en: "A renewed book collection and a reading club for children and teenagers"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "culture",
            activity: LocalizedText(
                kk: "қазақ мәдениетін, музыкасын және қолөнерін сақтап, дәріптейді",
                ru: "сохраняет и популяризирует казахскую культуру, музыку и ремёсла",
                en: "preserves and promotes Kazakh culture, music and crafts"
            ),
            field: LocalizedText(kk: "мәдениет", ru: "культуры", en: "culture"),
            descriptor: LocalizedText(kk: "мәдениет орталығы", ru: "Центр культуры", en: "Culture Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Балаларға арналған домбыра үйірмесі", ru: "Кружок домбры для детей", en: "Dombra club for children"),
                    summary: LocalizedText(
                        kk: "Домбыраның тегін сабақтары және тәрбиеленушілердің тұрғындарға арналған концерттері",
                        ru: "Бесплатные занятия на домбре и концерты воспитанников для жителей",
                        en: "Free dombra lessons and student concerts for local residents"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Киіз басу шеберханасы", ru: "Мастерская войлочных ремёсел", en: "Felt crafts workshop"),
                    summary: LocalizedText(
                        kk: "Әйелдерді дәстүрлі киіз басуға және бұйымдарды интернет арқылы сатуға үйрету",
                        ru: "Обучение женщин традиционному валянию войлока и продаже изделий через интернет",
                        en: "Training women in traditional felt-making and selling their work online"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "sport",
            activity: LocalizedText(
                kk: "бұқаралық және балалар спортын дамытады",
                ru: "развивает массовый и детский спорт",
                en: "develops grassroots and children's sport"
            ),
            field: LocalizedText(kk: "спорт", ru: "спорта", en: "sport"),
            descriptor: LocalizedText(kk: "спорт клубы", ru: "Спортивный клуб", en: "Sports Club"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Аула футбол лигасы", ru: "Дворовая футбольная лига", en: "Neighbourhood football league"),
                    summary: LocalizedText(
                        kk: "Жасөспірімдерге аулалар мен мектеп стадиондарындағы турнирлер мен жаттығулар",
                        ru: "Турниры и тренировки для подростков во дворах и на школьных стадионах",
                        en: "Tournaments and training for teenagers in courtyards and school stadiums"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Қазақ күресі секциясы", ru: "Секция казахской борьбы «Қазақ күресі»", en: "Kazakh kures wrestling club"),
                    summary: LocalizedText(
                        kk: "Ауыл ұл-қыздарына арналған зал жабдығы және жаттықтырушылар жұмысы",
                        ru: "Оборудование зала и работа тренеров для мальчиков и девочек из сёл",
                        en: "Gym equipment and coaches for village boys and girls"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "environment",
            activity: LocalizedText(
                kk: "табиғатты қорғаумен, қалдықтарды бөлек жинаумен және көгалдандырумен айналысады",
                ru: "занимается охраной природы, раздельным сбором отходов и озеленением",
                en: "works on nature protection, waste sorting and tree planting"
            ),
            field: LocalizedText(kk: "экология", ru: "экологии", en: "the environment"),
            descriptor: LocalizedText(kk: "экология орталығы", ru: "Экологический центр", en: "Eco Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Мектептерде қалдықтарды бөлек жинау", ru: "Раздельный сбор отходов в школах", en: "Waste sorting in schools"),
                    summary: LocalizedText(
                        kk: "Контейнерлер, экология сабақтары және қайта өңдеушілермен бірге шикізатты шығару",
                        ru: "Контейнеры, уроки экологии и вывоз вторсырья вместе с переработчиками",
                        en: "Bins, ecology lessons and recycling collection with local processors"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Жасыл белдеу: 5000 ағаш отырғызу", ru: "Зелёный пояс: посадка 5000 деревьев", en: "Green belt: planting 5,000 trees"),
                    summary: LocalizedText(
                        kk: "Жол бойында және аулаларда еріктілердің күшімен көшет отырғызу және суару",
                        ru: "Посадка и полив саженцев силами волонтёров вдоль дорог и во дворах",
                        en: "Volunteers planting and watering saplings along roads and in courtyards"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "youth",
            activity: LocalizedText(
                kk: "жастар мен балалардың бастамаларын қолдайды",
                ru: "поддерживает инициативы молодёжи и детей",
                en: "supports youth and children's initiatives"
            ),
            field: LocalizedText(kk: "жастар саясаты", ru: "молодёжной политики", en: "youth policy"),
            descriptor: LocalizedText(kk: "жастар орталығы", ru: "Молодёжный центр", en: "Youth Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Жастар көшбасшылығы мектебі", ru: "Школа молодёжного лидерства", en: "Youth leadership school"),
                    summary: LocalizedText(
                        kk: "Жоғары сынып оқушыларына жобаларды басқару бойынша тренингтер және тәлімгерлік",
                        ru: "Тренинги по управлению проектами и наставничество для старшеклассников",
                        en: "Project management training and mentoring for senior pupils"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауыл балаларына арналған жазғы лагерь", ru: "Летний лагерь для детей из сёл", en: "Summer camp for village children"),
                    summary: LocalizedText(
                        kk: "Ғылым, спорт және шығармашылық сабақтары бар лагердің екі ауысымы",
                        ru: "Две смены лагеря с занятиями наукой, спортом и творчеством",
                        en: "Two camp sessions with science, sport and arts activities"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "family_gender",
            activity: LocalizedText(
                kk: "отбасыларды, әйелдерді және жас ата-аналарды қолдайды",
                ru: "поддерживает семьи, женщин и молодых родителей",
                en: "supports families, women and young parents"
            ),
            field: LocalizedText(kk: "отбасы саясаты", ru: "семейной политики", en: "family policy"),
            descriptor: LocalizedText(kk: "отбасын қолдау орталығы", ru: "Центр поддержки семьи", en: "Family Support Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Әйелдерге арналған дағдарыс орталығы", ru: "Кризисный центр для женщин", en: "Crisis centre for women"),
                    summary: LocalizedText(
                        kk: "Зорлық-зомбылықтан зардап шеккен әйелдерге уақытша баспана, заң және психологиялық көмек",
                        ru: "Временное жильё, юридическая и психологическая помощь женщинам, пострадавшим от насилия",
                        en: "Temporary shelter, legal and psychological help for women affected by violence"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Жас ата-аналар клубы", ru: "Клуб молодых родителей", en: "Young parents' club"),
                    summary: LocalizedText(
                        kk: "Психологтар мен педиатрлармен кездесулер және балалар заттарымен алмасу",
                        ru: "Встречи с психологами и педиатрами и обмен детскими вещами",
                        en: "Meetings with psychologists and paediatricians and a baby-goods swap"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "human_rights",
            activity: LocalizedText(
                kk: "азаматтарға заң мәселелері бойынша тегін кеңес беріп, олардың құқықтарын қорғайды",
                ru: "бесплатно консультирует граждан по юридическим вопросам и защищает их права",
                en: "gives free legal advice and defends citizens' rights"
            ),
            field: LocalizedText(kk: "азаматтардың құқықтарын қорғау", ru: "защиты прав граждан", en: "human rights"),
            descriptor: LocalizedText(kk: "құқықтық орталық", ru: "Правовой центр", en: "Legal Aid Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Тегін заң кеңесі", ru: "Бесплатная юридическая приёмная", en: "Free legal aid office"),
                    summary: LocalizedText(
                        kk: "Еңбек, тұрғын үй және зейнетақы мәселелері бойынша заңгерлер кеңесі",
                        ru: "Консультации юристов по трудовым, жилищным и пенсионным вопросам",
                        en: "Lawyers advising on employment, housing and pension issues"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауыл тұрғындарына құқықтық сауаттылық", ru: "Правовая грамотность для сельских жителей", en: "Legal literacy for rural residents"),
                    summary: LocalizedText(
                        kk: "Тұтынушылар құқығы және мемлекеттік қызметтер алу туралы көшпелі семинарлар",
                        ru: "Выездные семинары о правах потребителей и получении государственных услуг",
                        en: "Travelling seminars on consumer rights and access to public services"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "public_accord",
            activity: LocalizedText(
                kk: "ұлтаралық келісімді нығайтып, мәдени диалогтар өткізеді",
                ru: "укрепляет межэтническое согласие и проводит культурные диалоги",
                en: "strengthens inter-ethnic accord through cultural dialogue"
            ),
            field: LocalizedText(kk: "қоғамдық келісім", ru: "общественного согласия", en: "public accord"),
            descriptor: LocalizedText(kk: "достық үйі", ru: "Дом дружбы", en: "House of Friendship"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Қазақстан халықтары мәдениетінің фестивалі", ru: "Фестиваль культур народов Казахстана", en: "Festival of Kazakhstan's cultures"),
                    summary: LocalizedText(
                        kk: "Этномәдени бірлестіктердің концерттері, ұлттық тағамдары және шеберлік сабақтары",
                        ru: "Концерты, национальная кухня и мастер-классы этнокультурных объединений",
                        en: "Concerts, national cuisine and workshops by ethno-cultural associations"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ересектерге арналған қазақ тілі курстары", ru: "Курсы казахского языка для взрослых", en: "Kazakh language courses for adults"),
                    summary: LocalizedText(
                        kk: "Қазақ тілінің тегін сөйлесу клубтары және онлайн сабақтары",
                        ru: "Бесплатные разговорные клубы и онлайн-уроки казахского языка",
                        en: "Free conversation clubs and online Kazakh lessons"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "civic_participation",
            activity: LocalizedText(
                kk: "еріктілікті дамытып, тұрғындарды жергілікті мәселелерді шешуге тартады",
                ru: "развивает волонтёрство и вовлекает жителей в решение местных проблем",
                en: "grows volunteering and involves residents in solving local problems"
            ),
            field: LocalizedText(kk: "еріктілік", ru: "волонтёрства", en: "volunteering"),
            descriptor: LocalizedText(kk: "еріктілер орталығы", ru: "Волонтёрский центр", en: "Volunteer Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Қалалық еріктілер штабы", ru: "Городской волонтёрский штаб", en: "City volunteer hub"),
                    summary: LocalizedText(
                        kk: "Қарттар мен мүмкіндігі шектеулі жандарға көмектесетін еріктілерді оқыту және үйлестіру",
                        ru: "Обучение и координация волонтёров, помогающих пожилым и людям с инвалидностью",
                        en: "Training and coordinating volunteers who help older and disabled people"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Медиаторлар мектебі", ru: "Школа общественных медиаторов", en: "Community mediation school"),
                    summary: LocalizedText(
                        kk: "Көршілер мен отбасы арасындағы дауларды шешетін қоғамдық медиаторларды даярлау",
                        ru: "Подготовка общественных медиаторов для разрешения соседских и семейных споров",
                        en: "Training community mediators to settle neighbour and family disputes"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "inclusion",
            activity: LocalizedText(
                kk: "мүмкіндігі шектеулі жандар мен балаларға оңалту, білім және жұмыс алуға көмектеседі",
                ru: "помогает людям и детям с инвалидностью получить реабилитацию, образование и работу",
                en: "helps disabled people and children access rehabilitation, education and jobs"
            ),
            field: LocalizedText(kk: "инклюзия", ru: "инклюзии", en: "inclusion"),
            descriptor: LocalizedText(kk: "инклюзия орталығы", ru: "Центр инклюзии", en: "Inclusion Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Жасөспірімдерге арналған инклюзивті шеберхана", ru: "Инклюзивная мастерская для подростков", en: "Inclusive workshop for teenagers"),
                    summary: LocalizedText(
                        kk: "Мүмкіндігі шектеулі жасөспірімдерге кәсіби дағдылар және жұмысқа орналасу",
                        ru: "Профессиональные навыки и трудоустройство подростков с инвалидностью",
                        en: "Vocational skills and job placement for disabled teenagers"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Емханаларда кедергісіз орта", ru: "Безбарьерная среда в поликлиниках", en: "Barrier-free clinics"),
                    summary: LocalizedText(
                        kk: "Пандустар, тактильді плиткалар және персоналды аз қозғалатын пациенттермен жұмысқа үйрету",
                        ru: "Пандусы, тактильная плитка и обучение персонала работе с маломобильными пациентами",
                        en: "Ramps, tactile paving and staff training for patients with limited mobility"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "employment",
            activity: LocalizedText(
                kk: "кәсіпке үйретіп, жұмысқа орналасуға және әлеуметтік кәсіпкерлікке көмектеседі",
                ru: "обучает профессиям и помогает с трудоустройством и социальным предпринимательством",
                en: "teaches trades and helps with jobs and social entrepreneurship"
            ),
            field: LocalizedText(kk: "жұмыспен қамту", ru: "занятости", en: "employment"),
            descriptor: LocalizedText(kk: "жұмыспен қамту орталығы", ru: "Центр занятости", en: "Jobs Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Көпбалалы аналарға арналған тігін цехы", ru: "Швейный цех для многодетных мам", en: "Sewing workshop for mothers of large families"),
                    summary: LocalizedText(
                        kk: "Тігін ісіне оқыту және жергілікті кәсіпорындардан алғашқы тапсырыстар",
                        ru: "Обучение швейному делу и первые заказы от местных предприятий",
                        en: "Sewing training and first orders from local businesses"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауыл жастарына арналған бизнес-инкубатор", ru: "Бизнес-инкубатор для сельской молодёжи", en: "Business incubator for rural youth"),
                    summary: LocalizedText(
                        kk: "Тәлімгерлік, шағын гранттар және өз ісін ашуға көмек",
                        ru: "Менторство, микрогранты и помощь в открытии собственного дела",
                        en: "Mentoring, micro-grants and help starting a business"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "rural_development",
            activity: LocalizedText(
                kk: "ауылдар мен жергілікті қоғамдастықтарды дамытады",
                ru: "развивает сёла и местные сообщества",
                en: "develops villages and local communities"
            ),
            field: LocalizedText(kk: "ауылдарды дамыту", ru: "развития сёл", en: "rural development"),
            descriptor: LocalizedText(kk: "ауылды дамыту орталығы", ru: "Центр развития села", en: "Rural Development Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауылға таза су", ru: "Чистая вода для аула", en: "Clean water for the village"),
                    summary: LocalizedText(
                        kk: "Тұрғындармен бірге сүзгілер орнату және су құбырын жөндеу",
                        ru: "Установка фильтров и ремонт водопровода вместе с жителями",
                        en: "Installing filters and repairing the water supply with residents"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауылдық коворкинг", ru: "Сельский коворкинг", en: "Village co-working space"),
                    summary: LocalizedText(
                        kk: "Қашықтан жұмыс істеуге және жастардың сабақтарына арналған интернеті бар бөлме",
                        ru: "Помещение с интернетом для удалённой работы и занятий молодёжи",
                        en: "A room with internet for remote work and youth activities"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "digitalisation",
            activity: LocalizedText(
                kk: "балаларды, ересектер мен қарт адамдарды цифрлық дағдыларға үйретеді",
                ru: "обучает цифровым навыкам детей, взрослых и пожилых людей",
                en: "teaches digital skills to children, adults and older people"
            ),
            field: LocalizedText(kk: "цифрландыру", ru: "цифровизации", en: "digital skills"),
            descriptor: LocalizedText(kk: "IT-орталық", ru: "IT-центр", en: "IT Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Зейнеткерлерге цифрлық сауаттылық", ru: "Цифровая грамотность для пенсионеров", en: "Digital literacy for pensioners"),
                    summary: LocalizedText(
                        kk: "Смартфонмен, eGov және онлайн-банкингпен жұмыс істеу курстары",
                        ru: "Курсы по работе со смартфоном, eGov и онлайн-банкингом",
                        en: "Courses on using smartphones, eGov and online banking"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Ауыл мектебіндегі робототехника үйірмесі", ru: "Кружок робототехники в сельской школе", en: "Robotics club in a village school"),
                    summary: LocalizedText(
                        kk: "Робототехника жинақтары және информатика мұғалімдерін даярлау",
                        ru: "Наборы для робототехники и подготовка учителей информатики",
                        en: "Robotics kits and training for computer science teachers"
                    )
                ),
            ]
        ),
        SeedFocusArea(
            code: "elderly",
            activity: LocalizedText(
                kk: "жалғызбасты қарт адамдар мен ардагерлерге қамқорлық жасайды",
                ru: "заботится об одиноких пожилых людях и ветеранах",
                en: "cares for lonely older people and veterans"
            ),
            field: LocalizedText(kk: "қарт адамдарды қолдау", ru: "поддержки пожилых людей", en: "care for older people"),
            descriptor: LocalizedText(kk: "белсенді ұзақ өмір орталығы", ru: "Центр активного долголетия", en: "Active Ageing Centre"),
            ideas: [
                SeedProjectIdea(
                    title: LocalizedText(kk: "Жалғызбасты зейнеткерлерге үйде көмек", ru: "Помощь на дому одиноким пенсионерам", en: "Home help for lonely pensioners"),
                    summary: LocalizedText(
                        kk: "Әлеуметтік қызметкерлердің азық-түлік пен дәрі жеткізуі, үй жинауы және әңгімелесуі",
                        ru: "Доставка продуктов и лекарств, уборка и общение силами социальных работников",
                        en: "Social workers delivering food and medicine, cleaning and keeping company"
                    )
                ),
                SeedProjectIdea(
                    title: LocalizedText(kk: "Белсенді ұзақ өмір клубы", ru: "Клуб активного долголетия", en: "Active ageing club"),
                    summary: LocalizedText(
                        kk: "Егде жастағы адамдарға гимнастика, хор және компьютер курстары",
                        ru: "Гимнастика, хор и компьютерные курсы для людей старшего возраста",
                        en: "Exercise, choir and computer classes for older people"
                    )
                ),
            ]
        ),
    ]

    static let codes: [String] = all.map(\.code)
    static let byCode: [String: SeedFocusArea] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    static func named(_ code: String) -> SeedFocusArea {
        guard let area = byCode[code] else { preconditionFailure("unknown seed focus area \(code)") }
        return area
    }
}

/// Things projects commonly ask for besides money.
enum SeedInKind {
    static let items = [
        "помещение", "транспорт", "ноутбуки", "спортивный инвентарь", "продуктовые наборы",
        "медицинское оборудование", "канцелярские товары", "волонтёры", "мебель",
        "строительные материалы", "одежда", "проектор", "бытовая техника",
    ]
}
