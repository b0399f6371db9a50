"""Who is in the demo partnership of the fictional みなと市, and what they said of themselves.

People are named by their role and organization, never by a personal name. The four
simulator personas are members here under their LINE display names, the name the
registration dialog offers them.
"""

from dataclasses import dataclass, field

from db.models import MemberRole, OrgType


@dataclass(frozen=True)
class Person:
    key: str  # a persona's key, or a name unique in the demo (the LINE id is made from it)
    name: str
    fields: tuple[str, ...]
    area: str
    intro: tuple[str, str, str]  # 今の取り組み, 困っていること, 提供できること
    needs: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    needs_note: str | None = None
    offers_note: str | None = None
    role: MemberRole = MemberRole.primary
    staff: bool = False
    joined_days_ago: int = 420


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    org_type: OrgType
    people: tuple[Person, ...] = field(default_factory=tuple)


DEPUTY = MemberRole.deputy

ORGANIZATIONS = (
    Org("city", "みなと市役所", OrgType.municipality, (
        Person("staff", "市役所 事務局", ("まちづくり", "DX"), "中央地区", (
            "地域連携プラットフォームの事務局として、会議の運営と協定の進捗管理をしています。",
            "団体同士が会議の場以外でつながる機会が少ないことです。",
            "市の施設の貸し出しや、市報・市公式LINEでの告知をお手伝いできます。"),
            needs=("情報", "連携先"), needs_note="各団体の活動状況を横断的に把握したい",
            offers=("会場", "広報"), offers_note="市役所の会議室と市報での発信", staff=True, joined_days_ago=430),
        Person("city-bousai", "防災危機管理課 担当", ("防災",), "中央地区", (
            "地域防災計画の見直しと、総合防災訓練の準備を進めています。",
            "災害時に動ける団体や人の情報が、担当者の手元にしかないことです。",
            "防災講座の講師派遣や、訓練の企画のご相談に乗れます。"),
            needs=("人手", "輸送"), offers=("情報", "物資"), offers_note="備蓄物資の情報と防災啓発の資料",
            role=DEPUTY, staff=True, joined_days_ago=428),
        Person("city-shoko", "商工観光課 担当", ("地域経済", "観光"), "港地区", (
            "商店街の空き店舗対策と、港まつりの運営支援をしています。",
            "若い世代の出店希望者と空き店舗がうまく結びつかないことです。",
            "補助金や融資制度の紹介、観光イベントとの連携のご相談に乗れます。"),
            needs=("広報",), offers=("資金", "専門知識"), offers_note="創業・出店の補助金制度のご案内",
            role=DEPUTY, joined_days_ago=300),
    )),
    Org("seiko", "株式会社 みなと精工", OrgType.company, (
        Person("company", "企業 担当", ("地域経済", "就労支援", "環境"), "港地区", (
            "社員ボランティアによる地域清掃と、社内でのフードドライブを続けています。",
            "社員が参加したい地域活動を見つける窓口がないことです。",
            "週末の人手と、50人ほど入れる多目的ホールをお貸しできます。"),
            needs=("連携先", "広報"), needs_note="社員が参加できる地域活動を探しています",
            offers=("人手", "物資", "会場"), offers_note="社員ボランティアと工場の多目的ホール"),
        Person("seiko-somu", "総務部 担当", ("就労支援",), "港地区", (
            "障がいのある方の職場実習の受け入れを担当しています。",
            "実習先として手を挙げても、つなぎ先が見つからないことです。",
            "職場見学や実習の受け入れをご相談ください。"),
            needs=("情報",), offers=("人手",), role=DEPUTY, joined_days_ago=240),
    )),
    Org("shinkin", "みなと信用金庫", OrgType.company, (
        Person("shinkin-chiiki", "地域支援部 担当", ("地域経済", "まちづくり"), "中央地区", (
            "創業希望者の相談会と、商店街の事業承継の支援をしています。",
            "相談に来る前に、あきらめてしまう事業者が多いことです。",
            "経営相談や、地域活動への助成金のご案内ができます。"),
            needs=("連携先",), offers=("資金", "専門知識"), offers_note="創業相談と事業承継の窓口"),
        Person("shinkin-eigyo", "営業推進課 担当", ("地域経済",), "北地区", (
            "取引先企業と地域団体の交流会を企画しています。",
            "交流会の参加者がいつも同じ顔ぶれになりがちなことです。",
            "各支店のロビーを、活動紹介の展示にお使いいただけます。"),
            needs=("広報",), offers=("会場",), offers_note="支店ロビーでの展示", role=DEPUTY),
    )),
    # Deliberately without a deputy: the gap that handover and contact checks are there to show.
    Org("kotsu", "みなと交通株式会社", OrgType.company, (
        Person("kotsu-kikaku", "経営企画室 担当", ("観光", "防災", "まちづくり"), "南地区", (
            "高齢者の通院を支える乗合タクシーの実証運行をしています。",
            "運転手の高齢化で、人員に余裕がないことです。",
            "イベント時の臨時便や、災害時の避難者の送迎でご協力できます。"),
            needs=("情報", "広報"), offers=("輸送",), offers_note="災害時の送迎バス、イベント時の臨時便",
            joined_days_ago=410),
    )),
    Org("kodomo", "NPO法人 みなと子ども食堂ネット", OrgType.npo, (
        Person("npo", "NPO 代表", ("子育て", "福祉", "健康"), "北地区", (
            "市内6か所で子ども食堂を運営し、月に約500人の子どもが利用しています。",
            "調理ボランティアが足りず、開催を増やせないことです。",
            "子育て家庭の声を届けることや、食育イベントの共同開催ができます。"),
            needs=("人手", "物資", "会場"), needs_note="調理ボランティアと食材の寄付",
            offers=("情報", "連携先"), offers_note="支援が必要な家庭とのつながり"),
        Person("kodomo-jimu", "子ども食堂ネット 事務局", ("子育て",), "北地区", (
            "ボランティアの受付と、寄付の管理をしています。",
            "寄付の受け取りと仕分けに手が回らないことです。",
            "子ども食堂の見学の案内や、活動写真の提供ができます。"),
            needs=("資金",), offers=("広報",), role=DEPUTY),
    )),
    Org("bousai", "NPO法人 防災ネットみなと", OrgType.npo, (
        Person("bousai-daihyo", "防災ネット 代表理事", ("防災", "教育"), "港地区", (
            "自治会と一緒に、地区ごとの避難訓練と防災講座を開いています。",
            "若い世代の参加が少なく、担い手が高齢化していることです。",
            "防災士が講師として伺い、訓練の企画から運営までお手伝いします。"),
            needs=("会場", "資金"), offers=("専門知識", "人手"), offers_note="防災士による講座と訓練の運営"),
        Person("bousai-jimu", "防災ネット 事務局長", ("防災",), "南地区", (
            "避難所運営ゲームの体験会を企画しています。",
            "活動を知ってもらう手段が限られていることです。",
            "簡易トイレや段ボールベッドの展示品をお貸しできます。"),
            needs=("広報",), offers=("物資",), offers_note="防災グッズの貸し出し", role=DEPUTY),
    )),
    Org("umibe", "NPO法人 うみべ環境クラブ", OrgType.npo, (
        Person("umibe-rijicho", "うみべ環境クラブ 理事長", ("環境", "教育"), "南地区", (
            "毎月第2日曜に海岸清掃をしていて、親子での参加が増えています。",
            "集めたごみの運搬手段の確保に毎回苦労しています。",
            "小中学校や企業向けの環境学習プログラムを提供できます。"),
            needs=("人手", "輸送"), needs_note="海岸清掃の参加者と、ごみの運搬",
            offers=("専門知識",), offers_note="環境学習プログラム", joined_days_ago=380),
        Person("umibe-koho", "うみべ環境クラブ 広報担当", ("環境",), "港地区", (
            "SNSでの発信と、会員向けのお便りを担当しています。",
            "発信しても若い世代に届いている実感がないことです。",
            "活動の写真や記録を、共同の発信にお使いいただけます。"),
            needs=("広報",), offers=("情報",), role=DEPUTY, joined_days_ago=90),
    )),
    Org("daigaku", "みなと大学", OrgType.university, (
        Person("university", "大学 担当", ("教育", "DX", "まちづくり"), "東地区", (
            "地域連携センターで、学生ボランティアと地域の団体をつないでいます。",
            "学生の関心と地域のニーズを結びつける情報が足りないことです。",
            "学生ボランティアの募集や、データ分析・調査の協力ができます。"),
            needs=("連携先", "会場"), needs_note="学生の実習先とフィールド",
            offers=("人手", "専門知識"), offers_note="学生ボランティアと教員の専門知識"),
        Person("daigaku-center", "地域連携センター 職員", ("教育",), "東地区", (
            "公開講座と、地域課題をテーマにした授業の調整をしています。",
            "授業の日程と地域行事の日程が合わないことが多いことです。",
            "休日の講義室やホールをお貸しできます。"),
            needs=("情報",), offers=("会場",), offers_note="大学の講義室とホール", role=DEPUTY),
    )),
    Org("shotengai", "みなと商店街振興組合", OrgType.association, (
        Person("shotengai-kaicho", "みなと商店街 会長", ("地域経済", "観光", "まちづくり"), "港地区", (
            "毎月第3土曜の朝市と、空き店舗を使ったチャレンジショップを運営しています。",
            "店主の高齢化で、イベントの担い手が減っていることです。",
            "アーケードの一角や空き店舗を、活動の場としてお使いいただけます。"),
            needs=("人手", "広報", "連携先"), needs_note="イベント当日の運営スタッフ",
            offers=("会場",), offers_note="アーケードと空き店舗"),
        Person("shotengai-jimu", "みなと商店街 事務局", ("地域経済",), "港地区", (
            "イベントの広報と、加盟店の取りまとめをしています。",
            "キャッシュレス決済やSNSに不慣れな店が多いことです。",
            "商店街の掲示板や店頭で、チラシを配布できます。"),
            needs=("専門知識",), needs_note="SNSとキャッシュレスの導入支援",
            offers=("広報",), offers_note="商店街の掲示板とチラシ", role=DEPUTY),
    )),
    Org("shakyo", "みなと市社会福祉協議会", OrgType.other, (
        Person("shakyo-chiiki", "社会福祉協議会 地域福祉課 担当", ("福祉", "防災"), "北地区", (
            "高齢者の見守りと、災害ボランティアセンターの運営訓練をしています。",
            "見守りが必要な方が増える一方で、協力者が足りないことです。",
            "民生委員や自治会と、活動をつなぐお手伝いができます。"),
            needs=("人手",), needs_note="見守り活動の協力者",
            offers=("連携先", "情報"), offers_note="民生委員や自治会とのつながり"),
        Person("shakyo-vc", "社会福祉協議会 ボランティアセンター 担当", ("福祉",), "中央地区", (
            "ボランティアの登録と、活動先の紹介をしています。",
            "登録者と活動先の条件がなかなか合わないことです。",
            "登録ボランティアの紹介や、活動保険のご案内ができます。"),
            needs=("広報",), offers=("人手",), offers_note="登録ボランティアの紹介", role=DEPUTY, joined_days_ago=150),
    )),
)


@dataclass(frozen=True)
class AgreementSpec:
    key: str
    name: str
    orgs: tuple[str, ...]  # organization keys
    started_months_ago: int
    years: int
    review_in_days: int  # from the day the demo is loaded


AGREEMENTS = (
    AgreementSpec("platform", "みなと市地域連携プラットフォーム協定",
                  tuple(org.key for org in ORGANIZATIONS), started_months_ago=32, years=5, review_in_days=45),
    AgreementSpec("kosodate", "子育て・食の支援に関する連携協定",
                  ("city", "kodomo", "seiko", "shinkin", "shakyo"), started_months_ago=20, years=3, review_in_days=300),
    AgreementSpec("bousai", "防災・減災に関する連携協定",
                  ("city", "bousai", "kotsu", "daigaku", "shakyo", "shotengai"), started_months_ago=26, years=4,
                  review_in_days=420),
    AgreementSpec("nigiwai", "商店街にぎわい創出連携協定",
                  ("city", "shotengai", "daigaku", "shinkin", "seiko", "umibe"), started_months_ago=16, years=3,
                  review_in_days=540),
)


@dataclass(frozen=True)
class KpiSpec:
    agreement: str
    org: str
    name: str
    unit: str
    target: float
    cadence: str  # monthly or quarterly
    values: tuple[float, ...]  # oldest period first; the last is the period that closed most recently
    comments: dict[int, str] = field(default_factory=dict)  # index into values
    missing_latest: bool = False  # the latest period is still to be reported: the bot asks for it


KPIS = (
    KpiSpec("platform", "city", "連携プロジェクト数", "件", 12, "quarterly", (5, 7, 8, 10),
            {3: "大学と商店街の共同企画が2件始まりました。"}),
    KpiSpec("kosodate", "kodomo", "子ども食堂の参加者数", "人", 600, "monthly",
            (352, 368, 391, 405, 448, 521, 498, 463, 472, 489, 507, 526),
            {5: "夏休み特別回を2回開催しました。", 9: "北地区に新しい会場が増えました。",
             11: "企業ボランティアの参加で調理の回数を増やせました。"}),
    KpiSpec("kosodate", "seiko", "フードドライブ回収量", "kg", 300, "monthly",
            (118, 126, 131, 142, 150, 163, 171, 184, 196, 205, 219, 232),
            {6: "社員食堂に回収箱を増やしました。"}, missing_latest=True),
    KpiSpec("bousai", "bousai", "防災訓練の参加者数", "人", 800, "quarterly", (420, 515, 648, 702),
            {2: "中学生の参加が初めて100人を超えました。"}),
    KpiSpec("bousai", "daigaku", "学生ボランティア登録数", "人", 150, "monthly",
            (62, 66, 71, 74, 80, 86, 93, 97, 104, 112, 121, 128),
            {3: "新入生向けの説明会を開きました。", 10: "防災サークルが登録してくれました。"}),
    KpiSpec("nigiwai", "shotengai", "朝市の来場者数", "人", 3000, "monthly",
            (1850, 1920, 2140, 2010, 2280, 2450, 2390, 2210, 2530, 2610, 2580, 2740),
            {5: "大学生の出店ブースが好評でした。", 8: "雨天のため規模を縮小しました。"}),
    KpiSpec("nigiwai", "shinkin", "創業相談件数", "件", 20, "monthly",
            (8, 9, 7, 10, 11, 12, 11, 13, 14, 13, 15, 16)),
)

NOTICES = (
    ("all", 18, "【連携推進会議】前回の議事録と資料を共有フォルダに掲載しました。次回までにご確認をお願いします。"),
    ("field:防災", 6, "【防災】合同防災訓練の実施要項を掲載しました。参加できる人数を、各団体でご検討ください。"),
)
CHECK_MESSAGE = "【訓練】総合防災訓練に合わせた安否確認の訓練です。実際の被害はありません。"
POLL_TITLE = "連携推進会議（定例）"
PAST_MEETING_TITLE = "防災・減災部会"
