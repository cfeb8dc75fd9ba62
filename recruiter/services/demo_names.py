"""Vocabulary for synthetic demo data: names, institutions abroad, fields."""

from __future__ import annotations

# Given names by gender, so that a demo scholar's name, gender and tags agree.
MALE_FIRST_NAMES = (
    "James Robert John Michael David William Richard Joseph Thomas Charles Daniel Matthew "
    "Anthony Mark Paul Andrew Joshua Kenneth Kevin Brian Lukas Felix Jonas Pierre Louis Marco "
    "Luca Pablo Javier Hiroshi Kenji Minjun Arjun Rahul Ivan Dmitri Lars Sven Mateo Omar Ahmed "
    "Noah"
).split()
FEMALE_FIRST_NAMES = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Sandra "
    "Ashley Emily Donna Michelle Carol Amanda Melissa Anna Sophie Marie Camille Chloe Giulia "
    "Sofia Lucia Elena Yuki Aiko Seoyeon Priya Ananya Olga Anastasia Ingrid Astrid Valentina "
    "Fatima Leila Emma"
).split()
# The order the demo draws from (kept, so that a seed gives the same people as before).
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony "
    "Sandra Mark "
    "Ashley Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa "
    "Lukas Anna Felix Sophie Jonas Marie Pierre Camille Louis Chloe Marco Giulia Luca Sofia Pablo "
    "Lucia Javier Elena Hiroshi Yuki Kenji Aiko Minjun Seoyeon Arjun Priya Rahul Ananya Olga Ivan "
    "Dmitri Anastasia Lars Ingrid Sven Astrid Mateo Valentina Omar Fatima Ahmed Leila Noah Emma"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
    "Muller Schmidt Schneider Fischer Weber Dubois Moreau Laurent Rossi Russo Ferrari Esposito "
    "Fernandez Gonzalez Sanchez Tanaka Suzuki Sato Watanabe Kim Park Choi Patel Sharma Singh Gupta "
    "Ivanov Petrov Smirnov Johansson Andersson Nielsen Hansen Silva Santos Oliveira Cohen Levi"
).split()
# (hanzi, pinyin) for overseas Chinese scholars: 中文名 plus the romanised full name.
ZH_SURNAMES = (
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
    ("罗", "Luo"),
    ("高", "Gao"),
    ("郑", "Zheng"),
    ("梁", "Liang"),
    ("谢", "Xie"),
    ("宋", "Song"),
    ("唐", "Tang"),
    ("许", "Xu"),
    ("韩", "Han"),
    ("冯", "Feng"),
    ("邓", "Deng"),
    ("曹", "Cao"),
)
# (hanzi, pinyin, gender): 艳 (Yan), 芳, 娜 … are women's names, 伟, 强, 磊 … men's.
ZH_GIVEN_NAMES = (
    ("伟", "Wei", "male"),
    ("芳", "Fang", "female"),
    ("娜", "Na", "female"),
    ("敏", "Min", "female"),
    ("静", "Jing", "female"),
    ("丽", "Li", "female"),
    ("强", "Qiang", "male"),
    ("磊", "Lei", "male"),
    ("军", "Jun", "male"),
    ("洋", "Yang", "male"),
    ("勇", "Yong", "male"),
    ("艳", "Yan", "female"),
    ("杰", "Jie", "male"),
    ("涛", "Tao", "male"),
    ("明", "Ming", "male"),
    ("超", "Chao", "male"),
    ("秀英", "Xiuying", "female"),
    ("晓东", "Xiaodong", "male"),
    ("志强", "Zhiqiang", "male"),
    ("海燕", "Haiyan", "female"),
    ("建华", "Jianhua", "male"),
    ("子涵", "Zihan", "female"),
    ("宇航", "Yuhang", "male"),
    ("思远", "Siyuan", "male"),
    ("雨桐", "Yutong", "female"),
    ("嘉怡", "Jiayi", "female"),
    ("浩然", "Haoran", "male"),
    ("一鸣", "Yiming", "male"),
    ("欣怡", "Xinyi", "female"),
    ("俊杰", "Junjie", "male"),
)
ZH_GIVEN = tuple((hanzi, pinyin) for hanzi, pinyin, _gender in ZH_GIVEN_NAMES)
GENDER_OF_GIVEN_NAME: dict[str, str] = {
    **{n: "male" for n in MALE_FIRST_NAMES},
    **{n: "female" for n in FEMALE_FIRST_NAMES},
    **{hanzi: gender for hanzi, _pinyin, gender in ZH_GIVEN_NAMES},
}
INSTITUTIONS_ABROAD = (
    ("Massachusetts Institute of Technology", "United States", "mit.edu"),
    ("Stanford University", "United States", "stanford.edu"),
    ("University of California, Berkeley", "United States", "berkeley.edu"),
    ("Harvard University", "United States", "harvard.edu"),
    ("University of Michigan", "United States", "umich.edu"),
    ("Georgia Institute of Technology", "United States", "gatech.edu"),
    ("University of Texas at Austin", "United States", "utexas.edu"),
    ("University of Oxford", "United Kingdom", "ox.ac.uk"),
    ("University of Cambridge", "United Kingdom", "cam.ac.uk"),
    ("Imperial College London", "United Kingdom", "imperial.ac.uk"),
    ("ETH Zurich", "Switzerland", "ethz.ch"),
    ("EPFL", "Switzerland", "epfl.ch"),
    ("Max Planck Institute for Solid State Research", "Germany", "mpg.de"),
    ("Technical University of Munich", "Germany", "tum.de"),
    ("Sorbonne University", "France", "sorbonne-universite.fr"),
    ("KU Leuven", "Belgium", "kuleuven.be"),
    ("Delft University of Technology", "Netherlands", "tudelft.nl"),
    ("University of Toronto", "Canada", "utoronto.ca"),
    ("McGill University", "Canada", "mcgill.ca"),
    ("University of Melbourne", "Australia", "unimelb.edu.au"),
    ("Australian National University", "Australia", "anu.edu.au"),
    ("National University of Singapore", "Singapore", "nus.edu.sg"),
    ("Nanyang Technological University", "Singapore", "ntu.edu.sg"),
    ("University of Tokyo", "Japan", "u-tokyo.ac.jp"),
    ("Kyoto University", "Japan", "kyoto-u.ac.jp"),
    ("KAIST", "South Korea", "kaist.ac.kr"),
    ("Karolinska Institutet", "Sweden", "ki.se"),
    ("University of Copenhagen", "Denmark", "ku.dk"),
    ("Weizmann Institute of Science", "Israel", "weizmann.ac.il"),
    ("Indian Institute of Science", "India", "iisc.ac.in"),
)
POSITIONS = (
    "Assistant Professor",
    "Associate Professor",
    "Professor",
    "Postdoctoral Fellow",
    "Research Scientist",
    "Senior Lecturer",
    "Principal Investigator",
)
DEGREES = ("PhD", "PhD", "PhD", "MD-PhD", "DPhil", "ScD")
FIELDS = {
    "Battery materials": (
        "solid-state electrolytes",
        "lithium-metal anodes",
        "sodium-ion cathodes",
        "battery degradation modelling",
    ),
    "Artificial intelligence": (
        "large language models",
        "reinforcement learning",
        "computer vision",
        "trustworthy machine learning",
    ),
    "Quantum information": (
        "superconducting qubits",
        "quantum error correction",
        "quantum photonics",
        "quantum algorithms",
    ),
    "Biomedicine": (
        "cancer immunotherapy",
        "single-cell genomics",
        "neurodegeneration",
        "structural biology",
    ),
    "Remote sensing": (
        "SAR interferometry",
        "hyperspectral imaging",
        "LiDAR mapping",
        "satellite geodesy",
    ),
    "Climate science": (
        "ocean-atmosphere coupling",
        "carbon cycle",
        "extreme weather",
        "glaciology",
    ),
    "Economics": ("development economics", "econometrics", "finance", "labour economics"),
    "Materials science": ("2D materials", "perovskite photovoltaics", "metamaterials", "catalysis"),
}
SOURCES = (
    "Conference: MRS Fall Meeting",
    "Conference: NeurIPS",
    "Referral network",
    "Overseas talent fair",
    "Alumni referral",
    "Talent programme list",
    "LinkedIn",
    "Direct application",
    "Faculty nomination",
)
TAGS = (
    "priority",
    "young-talent",
    "returnee",
    "women-in-science",
    "industry",
    "shortlist",
    "joint-appointment",
)
OWNERS = ("li.na", "zhang.min", "wang.lei", "chen.jing", "liu.yang")
WOMEN_ONLY_TAGS = frozenset({"women-in-science"})


def gender_of(given_name: str) -> str:
    """The gender a demo given name (Latin, or hanzi for a Chinese one) belongs to."""
    return GENDER_OF_GIVEN_NAME[given_name]


def tags_for(gender: str, drawn: list[str]) -> str | None:
    """The drawn tags that fit the person (women-in-science only for women), as stored."""
    kept = sorted(t for t in drawn if gender == "female" or t not in WOMEN_ONLY_TAGS)
    return ",".join(kept) or None
