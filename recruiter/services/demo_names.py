"""Vocabulary for synthetic demo data: names, institutions abroad, fields."""

from __future__ import annotations

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
ZH_GIVEN = (
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("丽", "Li"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("军", "Jun"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("秀英", "Xiuying"),
    ("晓东", "Xiaodong"),
    ("志强", "Zhiqiang"),
    ("海燕", "Haiyan"),
    ("建华", "Jianhua"),
    ("子涵", "Zihan"),
    ("宇航", "Yuhang"),
    ("思远", "Siyuan"),
    ("雨桐", "Yutong"),
    ("嘉怡", "Jiayi"),
    ("浩然", "Haoran"),
    ("一鸣", "Yiming"),
    ("欣怡", "Xinyi"),
    ("俊杰", "Junjie"),
)
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
