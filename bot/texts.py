"""Every Japanese text the bot shows its users, in one place so it can be edited and translated."""

# Shared words
CANCEL = "キャンセル"
SKIP = "スキップ"
DONE = "完了"
HELP = "ヘルプ"
PROFILE = "プロフィール"
NONE_SELECTED = "なし"
NOT_SET = "未入力"

# Dialog plumbing
CANCELLED = "入力を取り消しました。"
NOTHING_TO_CANCEL = "取り消す入力はありません。"
DIALOG_EXPIRED = "前回の入力は時間が経ったため取り消されました。"
STALE_BUTTON = "このボタンは今は使えません。「ヘルプ」でできることを確認できます。"
TEXT_ONLY = "文字で入力してください。"
INTERNAL_ERROR = "処理中にエラーが起きました。お手数ですが、もう一度お試しください。"
HELP_TEXT = "次の操作ができます。下のボタンから選んでください。"
UNKNOWN_TEXT = "すみません、分かりませんでした。下のボタンから選んでください。"

# Registration: greeting and invite code
WELCOME = (
    "連携ボットへようこそ。\n"
    "事務局から受け取った招待コードを送ってください。"
)
WELCOME_BACK = "おかえりなさい。登録内容はそのまま残っています。"
ASK_INVITE = "事務局から受け取った招待コード（8文字）を送ってください。"
INVITE_NOT_FOUND = "招待コードが見つかりません。もう一度確かめて送ってください。（あと{left}回）"
INVITE_EXPIRED = "この招待コードは有効期限が切れています。事務局に新しいコードを依頼してください。"
INVITE_USED_UP = "この招待コードは使用回数の上限に達しています。事務局に新しいコードを依頼してください。"
INVITE_LOCKED = "招待コードの誤りが続いたため、{minutes}分ほど待ってからもう一度送ってください。"
INVITE_ACCEPTED = "「{org}」の招待コードを確認しました。"
ALREADY_REGISTERED = "すでに登録済みです。内容の確認・変更は「プロフィール」からどうぞ。"

# Registration: the questions
ASK_NAME = "お名前を教えてください。（例：山田 花子）"
ASK_NAME_WITH_DISPLAY = "お名前を教えてください。LINEの表示名「{display}」のままでよければボタンを押してください。"
NAME_INVALID = "お名前は1〜{max}文字で送ってください。"
ASK_FIELDS = "活動している分野を選んでください（複数可）。選び終えたら「完了」を押してください。"
FIELDS_SELECTED = "選択中：{selected}"
FIELDS_EMPTY = "分野を1つ以上選んでから「完了」を押してください。"
FIELD_UNKNOWN = "下のボタンから分野を選んでください。"
ASK_ROLE = "団体での担当を選んでください。"
ROLE_PRIMARY = "正担当"
ROLE_DEPUTY = "副担当"
ROLE_INVALID = "「正担当」か「副担当」のボタンを押してください。"
ASK_AREA = "主に活動している地域（地区名など）を送ってください。"
AREA_INVALID = "地域は1〜{max}文字で送ってください。"
ASK_NEEDS = "団体として「求めていること」を選んでください（複数可）。選び終えたら「完了」、なければそのまま「完了」。"
ASK_NEEDS_NOTE = "求めていることを一言で補足できます。なければ「スキップ」。"
ASK_OFFERS = "団体として「提供できること」を選んでください（複数可）。選び終えたら「完了」、なければそのまま「完了」。"
ASK_OFFERS_NOTE = "提供できることを一言で補足できます。なければ「スキップ」。"
CATEGORY_UNKNOWN = "下のボタンから選んでください。"
NOTE_TOO_LONG = "{max}文字以内で送ってください。"
ASK_INTRO_NOW = "自己紹介 1/3：今の取り組みを一言で教えてください。（「スキップ」も可）"
ASK_INTRO_WORRY = "自己紹介 2/3：困っていることは？（「スキップ」も可）"
ASK_INTRO_OFFER = "自己紹介 3/3：提供できること・得意なことは？（「スキップ」も可）"

# Registration: summary and confirmation
SUMMARY = (
    "【登録内容】\n"
    "団体：{org}\n"
    "お名前：{name}\n"
    "分野：{fields}\n"
    "担当：{role}\n"
    "地域：{area}\n"
    "求めていること：{needs}\n"
    "提供できること：{offers}\n"
    "今の取り組み：{intro_now}\n"
    "困っていること：{intro_worry}\n"
    "提供できること（自己紹介）：{intro_offer}"
)
ASK_CONFIRM = "この内容で登録しますか？"
ASK_CONFIRM_EDIT = "この内容で保存しますか？"
CONFIRM_REGISTER = "登録する"
CONFIRM_SAVE = "保存する"
REDO = "やり直す"
CONFIRM_INVALID = "「{ok}」か「{redo}」のボタンを押してください。"
REGISTERED = "登録が完了しました。ようこそ！「ヘルプ」でできることを確認できます。"
REGISTERED_STAFF = "事務局メンバーとして登録しました。「ヘルプ」でできることを確認できます。"
PROFILE_SAVED = "プロフィールを保存しました。"
NOT_REGISTERED = "まだ登録されていません。事務局から受け取った招待コードを送ってください。"

# Profile
PROFILE_HEADER = "現在のプロフィールです。変更したい項目を選んでください。"
EDIT_NAME = "名前"
EDIT_FIELDS = "分野"
EDIT_ROLE = "担当"
EDIT_AREA = "地域"
EDIT_NEEDS = "求めていること"
EDIT_OFFERS = "提供できること"
EDIT_INTRO = "自己紹介"

# Groups
GROUP_JOINED = "連携ボットです。このグループを登録しました。"

ROLE_LABELS = {"primary": ROLE_PRIMARY, "deputy": ROLE_DEPUTY}

# Fields of activity (分野) and the categories of what organizations need and offer.
FIELDS = ["防災", "福祉", "健康", "子育て", "教育", "環境", "観光", "まちづくり", "就労支援", "地域経済", "DX", "文化・スポーツ"]
RESOURCE_CATEGORIES = ["人手", "会場", "資金", "広報", "専門知識", "物資", "輸送", "情報", "連携先"]

# Organization types, as members see them
ORG_TYPE_LABELS = {"municipality": "行政", "company": "企業", "npo": "NPO", "university": "大学",
                   "association": "団体・商店会", "other": "その他"}

# Segments
SEGMENT_ALL = "全員"
SEGMENT_STAFF = "事務局"
SEGMENT_TYPE = "種別：{label}"
SEGMENT_FIELD = "分野：{field}"
SEGMENT_AREA = "地域：{area}"
SEGMENT_AGREEMENT = "協定：{name}"
SEGMENT_GROUP = "グループ：{name}"
SEGMENT_ORGS = "団体：{names}"
SEGMENT_MEMBERS = "メンバー：{names}"
GROUP_UNNAMED = "（名前なし）"

# Notices: composing
NOTICE = "お知らせ"
NOTICE_STATUS = "お知らせ状況"
NOTICE_STAFF_ONLY = "お知らせの送信は事務局のみできます。"
ASK_NOTICE_TEXT = "お知らせの本文を送ってください（{max}文字まで）。"
NOTICE_TEXT_INVALID = "本文は1〜{max}文字の文字で送ってください。"
ASK_NOTICE_SEGMENT = "送信先を選んでください。"
PICK_BY_TYPE = "団体種別で"
PICK_BY_FIELD = "分野で"
PICK_BY_AGREEMENT = "協定で"
PICK_BY_GROUP = "グループで"
PICK_ORGS = "団体を指定"
ASK_SEGMENT_TYPE = "団体種別を選んでください。"
ASK_SEGMENT_FIELD = "分野を選んでください。"
ASK_SEGMENT_AGREEMENT = "協定を選んでください。"
ASK_SEGMENT_GROUP = "グループを選んでください。"
ASK_SEGMENT_ORGS = "送信先の団体を選んでください（複数可）。選び終えたら「完了」。\n選択中：{selected}"
NO_AGREEMENTS = "登録された協定がありません。別の送信先を選んでください。"
NO_GROUPS = "ボットが参加しているグループがありません。別の送信先を選んでください。"
SEGMENT_PICK_BUTTON = "下のボタンから送信先を選んでください。"
NOTICE_NO_RECIPIENTS = "「{segment}」に該当する登録メンバーがいません（0人）。別の送信先を選んでください。"
ASK_NOTICE_WHEN = "いつ送りますか？"
SEND_NOW = "今すぐ送信"
PICK_TIME = "日時を指定"
NOTICE_TIME_PAST = "過去の日時は指定できません。もう一度選んでください。"
NOTICE_WHEN_BUTTON = "下のボタンから送信日時を選んでください。"
NOTICE_PREVIEW = (
    "【送信内容の確認】\n"
    "送信先：{segment}（{count}人）\n"
    "送信日時：{when}\n"
    "消費するメッセージ数：{count}通\n"
    "{quota}\n"
    "―――\n{text}"
)
QUOTA_LINE = "今月の上限：{limit}通／使用済み：{used}通／送信後の残り：{left}通"
QUOTA_UNLIMITED = "今月の送信数：{used}通（上限なし）"
QUOTA_UNKNOWN = "今月の上限：取得できませんでした"
QUOTA_OWN = "うちRenkeiからの今月の送信：{own}通"
QUOTA_EXCEEDED = "⚠ この送信で今月の上限を{over}通超えます。超えた分は届きません。それでも送る場合は「上限を超えて送信」を押してください。"
NOW_LABEL = "今すぐ"
CONFIRM_SEND = "送信する"
CONFIRM_SEND_OVER = "上限を超えて送信"
NOTICE_CONFIRM_INVALID = "「{ok}」か「キャンセル」のボタンを押してください。"
NOTICE_SENT = "お知らせを送信しました（{count}人）。確認状況は「お知らせ状況」で見られます。"
NOTICE_HELD = "お知らせを受け付けました（{count}人）。夜間のため{when}に届きます。"
NOTICE_SCHEDULED = "お知らせを{when}に送信するよう予約しました（現時点で{count}人）。"

# Notices: what members get
NOTICE_HEADER = "お知らせ"
NOTICE_REMINDER_HEADER = "お知らせ（確認のお願い）"
NOTICE_ALT = "【お知らせ】{text}"
NOTICE_REMINDER_ALT = "【確認のお願い】{text}"
ACK_BUTTON = "確認しました"
ACK_THANKS = "確認ありがとうございます。"
ACK_ALREADY = "このお知らせは確認済みです。"
ACK_NOT_YOURS = "このお知らせは確認の対象ではありません。"

# Notices: read status
NOTICE_STATUS_EMPTY = "送信済みのお知らせはまだありません。"
NOTICE_STATUS_LINE = "#{id} {when} {segment}：確認 {acked}/{total}人「{head}」"
NOTICE_STATUS_HEADER = "最近のお知らせの確認状況です。詳しく見るものを選んでください。"
NOTICE_DETAIL = "#{id} {when}\n確認済み {acked}/{total}人\n未確認（{pending}人）：\n{names}"
NOTICE_DETAIL_ALL_ACKED = "#{id} {when}\n全員（{total}人）が確認済みです。"
NOTICE_SCHEDULED_LINE = "#{id} {when}に送信予定 {segment}「{head}」"

# Reminders
AGREEMENT_REVIEW_REMINDER = "【協定の見直し】「{name}」の見直し期日（{review}）まであと{days}日です。見直しの準備をお願いします。"

# Contact checks (安否確認): what members get
CHECK_HEADER = "【安否確認】"
CHECK_DRILL_HEADER = "【訓練】安否確認"
CHECK_DEFAULT_MESSAGE = "災害が発生しました。ご自身と団体の状況を教えてください。"
CHECK_DRILL_MESSAGE = "これは訓練です。本番と同じように、ご自身と団体の状況を選んでください。"
CHECK_AGAIN = "（再送）まだ回答がありません。"
CHECK_DEPUTY = "（正担当の方から回答がないため、副担当のあなたにもお送りしています）"
CHECK_ANSWER_LABELS = {"safe": "無事", "damaged": "被害あり", "help": "支援が必要"}
CHECK_PROVISION_LABELS = {"supplies": "物資", "shelter": "避難場所", "transport": "輸送", "people": "人員",
                          "none": "なし"}
CHECK_ALT = "{header}次のボタンから状況を選んでください：無事／被害あり／支援が必要"
CHECK_RECORDED = "「{answer}」で受け付けました（{when}）。"
CHECK_CHANGED = "回答を「{answer}」に変更しました（最初の回答：{first} {first_when}）。"
CHECK_DRILL_NOTE = "（訓練）"
ASK_CHECK_PROVISIONS = ("いま団体として提供できるものを選んでください（複数可）。選び終えたら「完了」。\n"
                        "選択中：{selected}")
ASK_CHECK_NOTE = "ほかに伝えたいことがあれば一言送ってください（{max}文字まで）。なければ「なし」を押してください。"
CHECK_NOTE_NONE = "なし"
CHECK_NOTE_TOO_LONG = "{max}文字までで送ってください。"
CHECK_THANKS = "ありがとうございます。事務局に伝わりました。"
CHECK_LATE_THANKS = "この安否確認はすでに終了していますが、回答を記録しました。ありがとうございます。"
CHECK_NOT_TARGET = "この安否確認の対象ではありません。"

# Contact checks: staff
CHECK = "安否確認"
CHECK_STATUS = "安否状況"
CHECK_CLOSE = "安否確認終了"
CHECK_PROXY = "代理回答"
CHECK_STAFF_ONLY = "安否確認の開始と状況の確認は事務局のみできます。"
ASK_CHECK_SEGMENT = "安否確認の対象を選んでください。"
PICK_BY_AREA = "地域で"
ASK_SEGMENT_AREA = "地域を選んでください。"
NO_AREAS = "地域が登録されたメンバーがいません。別の対象を選んでください。"
CHECK_SEGMENT_BUTTON = "下のボタンから対象を選んでください。"
CHECK_NO_MEMBERS = "「{segment}」に該当する登録メンバーがいません（0人）。別の対象を選んでください。"
ASK_CHECK_KIND = "本番ですか、訓練ですか？"
CHECK_REAL = "本番"
CHECK_DRILL = "訓練"
CHECK_PREVIEW = ("【安否確認の開始】\n対象：{segment}（{members}人・{orgs}団体）\n種別：{kind}\n"
                 "まず各団体の正担当に送り、{minutes}分ごとに最大{reasks}回、未回答の団体に再送します。")
CHECK_START = "開始する"
CHECK_CONFIRM_INVALID = "「開始する」か「キャンセル」のボタンを押してください。"
CHECK_STARTED = "安否確認 #{id}（{kind}）を開始しました。{count}人に送信しています。状況は「安否状況」で見られます。"
CHECK_ALREADY_RUNNING = ("同じ対象の安否確認 #{id}（{kind}）が{when}から実行中です。新しくは始めませんでした。"
                         "状況は「安否状況」で見られます。")
CHECK_NONE = "安否確認はまだ行われていません。「安否確認」で開始できます。"
CHECK_NONE_OPEN = "実行中の安否確認はありません。"
CHECK_SUMMARY = (
    "【安否状況】#{id} {kind}（{segment}）\n{started}開始・{elapsed}{closed}\n"
    "団体：回答 {orgs_answered}/{orgs}（{share}%）\n"
    "　無事 {org_safe}／被害あり {org_damaged}／支援が必要 {org_help}\n"
    "人：回答 {answered}/{asked}（無事 {safe}／被害あり {damaged}／支援が必要 {help}）\n"
    "提供できる団体：物資 {supplies}／避難場所 {shelter}／輸送 {transport}／人員 {people}\n"
    "代理入力 {proxy}件／終了後の回答 {late}件\n"
    "質問の送信：届いた {sent}人／送信待ち {waiting}人／失敗 {failed}人"
)
CHECK_ELAPSED = "経過{minutes}分"
CHECK_CLOSED_AT = "（{when}終了）"
CHECK_MILESTONES = "回答の到達時間（団体）：25% {p25}／50% {p50}／75% {p75}"
CHECK_MILESTONE_NONE = "未到達"
CHECK_MINUTES = "{minutes}分"
CHECK_SILENT_ORGS = "未回答の団体（{count}）：{names}"
CHECK_ALL_ANSWERED = "すべての団体が回答しました。"
CHECK_SILENT_BUTTON = "未回答一覧"
CHECK_OTHERS = "他の確認"
ASK_CHECK_CLOSE = "安否確認 #{id}（{segment}）を終了しますか？終了後の回答も記録されます。"
CHECK_CLOSE_OK = "終了する"
CHECK_CLOSED = "安否確認 #{id} を終了しました。"
ASK_CHECK_WHICH = "どの安否確認ですか？"
ASK_PROXY_NAME = "安否確認 #{id}：代わりに回答を入力する人の名前か団体名（一部でも可）を送ってください。"
PROXY_NO_MATCH = "「{query}」に当てはまる対象者がいません。別の名前で送ってください。"
ASK_PROXY_PICK = "どの方ですか？"
ASK_PROXY_ANSWER = "{name}（{org}）の状況を選んでください。"
PROXY_RECORDED = "記録しました：{name}（{org}）→ {answer}（代理入力）"
