"""A few subjects of our own said in each of the six UN languages, for the tests and for
bench/language_bias.py, which checks its measure on them (none of them is in the message catalogues)."""

# One subject per row, said in Arabic, Chinese, English, French, Russian and Spanish.
SUBJECTS = {
    "cop": {
        "en": "Guidelines for industry on child online protection",
        "fr": "Lignes directrices à l'intention de l'industrie pour la protection des enfants en ligne",
        "es": "Directrices para la industria sobre la protección de la infancia en línea",
        "ar": "مبادئ توجيهية للصناعة بشأن حماية الأطفال على الإنترنت",
        "zh": "关于儿童在线保护的行业指南",
        "ru": "Руководящие принципы для отрасли по защите детей в интернете",
    },
    "cables": {
        "en": "Installation of optical fibre cables in underground ducts",
        "fr": "Installation de câbles à fibres optiques dans des conduites souterraines",
        "es": "Instalación de cables de fibra óptica en conductos subterráneos",
        "ar": "تركيب كبلات الألياف البصرية في القنوات الأرضية",
        "zh": "在地下管道中敷设光纤电缆",
        "ru": "Прокладка волоконно-оптических кабелей в подземной кабельной канализации",
    },
    "energy": {
        "en": "Energy efficiency of cooling systems in data centres",
        "fr": "Efficacité énergétique des systèmes de refroidissement des centres de données",
        "es": "Eficiencia energética de los sistemas de refrigeración de los centros de datos",
        "ar": "كفاءة الطاقة في أنظمة التبريد في مراكز البيانات",
        "zh": "数据中心冷却系统的能效",
        "ru": "Энергоэффективность систем охлаждения в центрах обработки данных",
    },
}
ENGLISH_ONLY = (
    "Numbering plan for the international public telephone service",
    "Quality of experience of video streaming over mobile networks",
    "Interfaces of smart electricity meters",
)
