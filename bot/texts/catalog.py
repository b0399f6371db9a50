"""Every Japanese text the bot shows its users, in one place so it can be edited and translated."""

from db.vocabulary import FIELDS, RESOURCE_CATEGORIES  # noqa: F401  (shown as they are stored)

# Shared words
CANCEL = "キャンセル"
SKIP = "スキップ"
DONE = "完了"
HELP = "ヘルプ"
PROFILE = "プロフィール"
NONE_SELECTED = "なし"
NOT_SET = "未入力"

# Typed words: what people type for a button, each tuple the ways of saying one choice. They
# are compared folded (full-width or half-width, katakana or hiragana, without spaces or a
# trailing 「。」「！」), so each form is written once.
WORDS_CANCEL = (CANCEL, "取り消す", "取り消し", "やめる", "やめます")
WORDS_DONE = (DONE, "かんりょう", "完了です", "以上", "以上です", "終わり", "おわり", "終了")
WORDS_SKIP = (SKIP, "なし", "特になし", "ありません", "ない", "パス")
WORDS_YES = ("はい", "ok", "おけ", "お願いします", "おねがいします", "よろしく", "了解", "それで")
WORDS_SAFE = ("無事", "無事です", "ぶじ", "ぶじです", "無事でした", "大丈夫", "大丈夫です", "だいじょうぶ",
              "安全", "安全です", "問題なし", "問題ありません", "元気です")
WORDS_DAMAGED = ("被害あり", "被害があります", "被害あります", "ひがいあり", "被害", "被害が出ました",
                 "被害が出ています")
WORDS_HELP = ("支援が必要", "支援が必要です", "支援必要", "支援", "支援をお願いします", "助けて", "助けてください",
              "たすけて", "救助", "救助が必要", "救助をお願いします")
WORDS_ALL = ("全員", "全員に", "全員へ", "みんな", "皆", "全体", "すべて", "全て", "全部")
WORDS_NOW = ("今すぐ", "いますぐ", "今すぐ送信", "すぐ", "すぐに", "今", "いま", "今送る", "すぐ送る", "即時", "ただちに")

# Dialog plumbing
CANCELLED = "入力を取り消しました。"
NOTHING_TO_CANCEL = "取り消す入力はありません。"
DIALOG_EXPIRED = "前回の入力は時間が経ったため取り消されました。"
STALE_BUTTON = "このボタンは今は使えません。「ヘルプ」でできることを確認できます。"
TEXT_ONLY = "文字で送ってください。"
# To each staff member once, in their next reply, when LINE's monthly message limit is reached.
MONTHLY_LIMIT_REACHED = ("今月のメッセージ送信数がLINEの上限に達しました。お知らせや再通知は送らずに保管しています"
                         "（返信と安否確認は送り続けます）。上限が引き上げられるか来月になると、自動で送信を再開します。")
INTERNAL_ERROR = "処理中に問題が起きました。お手数ですが、もう一度お試しください。"
HELP_TEXT = "次の操作ができます。下のボタンから選んでください。"
UNKNOWN_TEXT = "すみません、分かりませんでした。下のボタンから選んでください。"

# Registration: greeting and invite code
WELCOME = (
    "連携ボットへようこそ。\n"
    "事務局から受け取った招待コードを送ってください。"
)
WELCOME_BACK = "おかえりなさい。登録内容はそのまま残っています。"
ASK_INVITE = "事務局から受け取った招待コード（8文字）を送ってください。"
INVITE_NOT_FOUND = "招待コードが見つかりません。確かめて、もう一度送ってください（あと{left}回）。"
INVITE_EXPIRED = "この招待コードは有効期限が切れています。事務局に新しいコードを依頼してください。"
INVITE_USED_UP = "この招待コードは使用回数の上限に達しています。事務局に新しいコードを依頼してください。"
INVITE_REVOKED = "この招待コードは事務局が取り消しました。事務局に新しいコードを依頼してください。"
INVITE_LOCKED = "招待コードの誤りが続いたため、{minutes}分ほど待ってからもう一度送ってください。"
INVITE_PAUSED = "招待コードの確認を一時的に止めています。{minutes}分ほどしてからもう一度送ってください。"
INVITE_BURST_STAFF = ("【事務局へ】招待コードの誤りが{minutes}分間に{count}回ありました。"
                      "推測による登録の試みかもしれません。コードの確認を{minutes}分ほど止めています。")
INVITE_ACCEPTED = "「{org}」の招待コードを確認しました。"
ALREADY_REGISTERED = "すでに登録済みです。内容の確認・変更は「プロフィール」からどうぞ。"

# Registration: the questions
ASK_NAME = "お名前を教えてください（例：山田 花子）。"
ASK_NAME_WITH_DISPLAY = "お名前を教えてください。LINEの表示名「{display}」のままでよければボタンを押してください。"
NAME_INVALID = "お名前は1〜{max}文字で送ってください。"
ASK_FIELDS = "活動している分野を選んでください（複数可）。選び終えたら「完了」を押してください。"
FIELDS_SELECTED = "選択中：{selected}"
FIELDS_EMPTY = "分野を1つ以上選んでから「完了」を押してください。"
FIELD_UNKNOWN = "下のボタンから分野を選んでください。"
ASK_ROLE = "団体での担当を選んでください。"
ROLE_PRIMARY = "主担当"
ROLE_DEPUTY = "副担当"
ROLE_INVALID = "「主担当」か「副担当」のボタンを押すか、そのどちらかを送ってください。"
WORDS_PRIMARY = (ROLE_PRIMARY, "主", "主担当です", "正担当", "正担当です", "正", "担当者", "メイン", "代表")
WORDS_DEPUTY = (ROLE_DEPUTY, "副", "サブ", "補佐", "副担当です")
ASK_AREA = "主に活動している地区を選んでください（複数可）。選び終えたら「完了」を押してください。"
AREA_UNKNOWN = "その地区は一覧にありません。下のボタンから選んでください（一覧にない地区は事務局にお知らせください）。"
AREA_MORE = "次の地区"
AREA_NONE_LISTED = "地区の一覧はまだ事務局が用意していません。用意されたら選べるようになります。"
ASK_NEEDS = "団体として「求めていること」を選んでください（複数可）。選び終えたら、またはなければそのまま「完了」を押してください。"
ASK_NEEDS_NOTE = "求めていることを一言で補足できます。なければ「スキップ」を押してください。"
ASK_OFFERS = "団体として「提供できること」を選んでください（複数可）。選び終えたら、またはなければそのまま「完了」を押してください。"
ASK_OFFERS_NOTE = "提供できることを一言で補足できます。なければ「スキップ」を押してください。"
CATEGORY_UNKNOWN = "下のボタンから選んでください。"
NOTE_TOO_LONG = "{max}文字以内で送ってください。"
ASK_INTRO_NOW = "自己紹介 1/3：今の取り組みを一言で教えてください（「スキップ」も可）。"
ASK_INTRO_WORRY = "自己紹介 2/3：困っていることを一言で教えてください（「スキップ」も可）。"
ASK_INTRO_OFFER = "自己紹介 3/3：提供できること・得意なことを一言で教えてください（「スキップ」も可）。"

# Registration questions when a member edits their profile: each shows what is saved now, and
# スキップ keeps it (消す empties it).
EDIT_CURRENT = "いまの内容：{value}"
EDIT_KEEP_OR_CLEAR = "変えない場合は「スキップ」、空にする場合は「消す」を押してください。"
EDIT_KEEP_EMPTY = "入力しない場合は「スキップ」を押してください。"
CLEAR = "消す"
WORDS_KEEP = (SKIP, "パス", "そのまま", "このまま", "変更なし", "変えない", *WORDS_DONE)
WORDS_CLEAR = (CLEAR, "消して", "削除", "消去", "空にする", "なし", "特になし", "ありません", "ない")
ASK_NAME_EDIT = "新しいお名前を送ってください。変えない場合は、いまのお名前のボタンを押してください。"
ASK_NEEDS_NOTE_EDIT = "求めていることの補足を一言で送ってください。"
ASK_OFFERS_NOTE_EDIT = "提供できることの補足を一言で送ってください。"
ASK_INTRO_NOW_EDIT = "自己紹介 1/3：今の取り組みを一言で教えてください。"
ASK_INTRO_WORRY_EDIT = "自己紹介 2/3：困っていることを一言で教えてください。"
ASK_INTRO_OFFER_EDIT = "自己紹介 3/3：提供できること・得意なことを一言で教えてください。"
ASK_PHONE_EDIT = "災害時に事務局が連絡する電話番号を送ってください（例：090-1234-5678）。事務局だけが見ます。"
PHONE_INVALID_EDIT = "電話番号は「090-1234-5678」のように数字で送ってください。"

# Registration: summary and confirmation
SUMMARY = (
    "【登録内容】\n"
    "団体：{org}\n"
    "お名前：{name}\n"
    "分野：{fields}\n"
    "担当：{role}\n"
    "地区：{area}\n"
    "求めていること：{needs}\n"
    "提供できること：{offers}\n"
    "今の取り組み：{intro_now}\n"
    "困っていること：{intro_worry}\n"
    "提供できること（自己紹介）：{intro_offer}\n"
    "電話番号（事務局だけが見ます）：{phone}"
)
ASK_CONFIRM = "この内容で登録しますか？"
ASK_CONFIRM_EDIT = "この内容で保存しますか？"
CONFIRM_REGISTER = "登録する"
CONFIRM_SAVE = "保存する"
REDO = "やり直す"
CONFIRM_INVALID = "「{ok}」か「{redo}」のボタンを押すか、そのどちらかを送ってください。"
WORDS_REDO = (REDO, "やり直し", "修正", "直す", "訂正")
WORDS_CONFIRM = ("登録", "保存", "登録します", "保存します", "これで", "この内容で", *WORDS_YES)
REGISTERED = "登録が完了しました。ようこそ！「ヘルプ」でできることを確認できます。"
REGISTERED_STAFF = "事務局として登録しました。「ヘルプ」でできることを確認できます。"
PROFILE_SAVED = "プロフィールを保存しました。"
NOT_REGISTERED = "まだ登録されていません。事務局から受け取った招待コードを送ってください。"

# Profile
PROFILE_HEADER = "現在のプロフィールです。変更したい項目を選んでください。"
EDIT_NAME = "名前"
EDIT_FIELDS = "分野"
EDIT_ROLE = "担当"
EDIT_AREA = "地区"
EDIT_NEEDS = "求めていること"
EDIT_OFFERS = "提供できること"
EDIT_INTRO = "自己紹介"
EDIT_PHONE = "電話番号"
ASK_PHONE = "災害時に事務局が連絡する電話番号を送ってください（例：090-1234-5678）。事務局だけが見ます。登録しない場合は「スキップ」を押してください。"
PHONE_INVALID = "電話番号は「090-1234-5678」のように数字で送ってください。登録しない場合は「スキップ」を押してください。"

# Invite codes, issued by staff in LINE
INVITE_ISSUE = "招待コード"
INVITE_STAFF_ONLY = "招待コードの発行は事務局のみできます。"
ASK_INVITE_ORG = "どの団体の招待コードですか？ボタンにない団体は、名前の一部を送ってください。"
ASK_INVITE_ORG_PICK = "どの団体ですか？"
INVITE_ORG_NO_MATCH = "その名前の団体が見つかりません。名前の一部を送るか、下のボタンから選んでください。"
ASK_INVITE_KIND = "「{org}」の招待コードを、どちらの方に渡しますか？"
INVITE_FOR_MEMBER = "団体の担当者"
INVITE_FOR_STAFF = "事務局の職員"
INVITE_KIND_HINT = "「団体の担当者」か「事務局の職員」のボタンを押すか、そのどちらかを送ってください。"
WORDS_INVITE_MEMBER = (INVITE_FOR_MEMBER, "担当者", "担当", "メンバー", "団体")
WORDS_INVITE_STAFF = (INVITE_FOR_STAFF, "職員", "事務局", "スタッフ")
INVITE_ISSUED = ("「{org}」の{kind}用の招待コードを発行しました（1回限り、{when}まで有効）。"
                 "次のメッセージのコードを、その方に伝えてください。")

# Groups
GROUP_JOINED = "連携ボットです。このグループを登録しました。「ヘルプ」と送ると、ここでできることをお知らせします。"
GROUP_HELP = ("連携ボットです。このグループで「日程調整」と送ると、グループのメンバーで会議の日程を決められます"
              "（設定はボットとの1対1のトークで続けます）。ほかの操作（お知らせ、安否確認、KPI、プロフィールなど）は、"
              "ボットとの1対1のトークで「ヘルプ」と送ってください。")
GROUP_ONE_TO_ONE_ONLY = "「{command}」はボットとの1対1のトークで使えます。ボットのトークを開いて送ってください。"

ROLE_LABELS = {"primary": ROLE_PRIMARY, "deputy": ROLE_DEPUTY, "member": "メンバー"}

# Fields of activity (分野) and the categories of what organizations need and offer.

# Organization types, as members see them
STAFF_SUFFIX = "・事務局"
ORG_TYPE_LABELS = {"municipality": "行政", "company": "企業", "npo": "NPO", "university": "大学",
                   "association": "団体・商店会", "other": "その他"}

# Segments
SEGMENT_ALL = "全員"
SEGMENT_STAFF = "事務局"
SEGMENT_TYPE = "種別：{label}"
SEGMENT_FIELD = "分野：{field}"
SEGMENT_AREA = "地区：{area}"
SEGMENT_AGREEMENT = "協定：{name}"
SEGMENT_GROUP = "グループ：{name}"
SEGMENT_ORGS = "団体：{names}"
SEGMENT_MEMBERS = "メンバー：{names}"
SEGMENT_ROLE = "担当区分：{label}"
GROUP_UNNAMED = "（名前なし）"

# Notices: composing
NOTICE = "お知らせ"
NOTICE_STATUS = "お知らせ状況"
NOTICE_STAFF_ONLY = "お知らせの送信は事務局のみできます。"
ASK_NOTICE_TEXT = "お知らせの本文を送ってください（{max}文字まで）。"
NOTICE_TEXT_INVALID = "本文は{max}文字以内の文章で送ってください。"
ASK_NOTICE_SEGMENT = "送信先を選んでください。"
PICK_BY_TYPE = "団体種別で"
PICK_BY_FIELD = "分野で"
PICK_BY_AGREEMENT = "協定で"
PICK_BY_GROUP = "グループで"
PICK_BY_ROLE = "担当区分で"
PICK_ORGS = "団体を指定"
PICK_WORDS = {"area": ("地域", "地区"), "type": ("団体種別", "種別"), "field": ("分野",), "agreement": ("協定",),
              "group": ("グループ",), "orgs": ("団体", "団体で", "団体指定")}
ASK_SEGMENT_TYPE = "団体種別を選んでください。"
ASK_SEGMENT_FIELD = "分野を選んでください。"
ASK_SEGMENT_AGREEMENT = "協定を選んでください。"
ASK_SEGMENT_GROUP = "グループを選んでください。"
ASK_SEGMENT_ROLE = "担当区分（主担当・副担当）を選んでください。"
ASK_SEGMENT_ORGS = "送信先の団体を選んでください（複数可）。選び終えたら「完了」を押してください。\n選択中：{selected}"
NO_AGREEMENTS = "登録された協定がありません。別の送信先を選んでください。"
NO_GROUPS = "ボットが参加しているグループがありません。別の送信先を選んでください。"
SEGMENT_PICK_BUTTON = "下のボタンから送信先を選んでください。"
NOTICE_NO_RECIPIENTS = "「{segment}」に該当する登録メンバーがいません（0人）。別の送信先を選んでください。"
ASK_NOTICE_WHEN = "いつ送りますか？「12/11 18時」のように送るか、ボタンで選んでください。"
SEND_NOW = "今すぐ送信"
PICK_TIME = "日時を指定"
NOTICE_TIME_PAST = "過去の日時は指定できません。もう一度選んでください。"
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
QUOTA_OWN = "そのうち、このボットからの今月の送信：{own}通"
QUOTA_EXCEEDED = "⚠ この送信で今月の上限を{over}通超えます。超えた分は届きません。それでも送る場合は「上限を超えて送信」を押してください。"
NOW_LABEL = "今すぐ"
SEND_TIME_HELD = "{label}（{note}）"
CONFIRM_SEND = "送信する"
CONFIRM_SEND_OVER = "上限を超えて送信"
WORDS_SEND = (CONFIRM_SEND, "送信", "送る", "送ります", "送って", "送信します", *WORDS_YES)
NOTICE_CONFIRM_INVALID = "「{ok}」か「キャンセル」のボタンを押してください。"
NOTICE_SENT = "お知らせを送信しました（{count}人）。確認状況は「お知らせ状況」で見られます。"
# The {note} of a confirmation whose messages the quiet hours hold (お知らせ, 日程調整, その確定, ひとこと, 会議の変更,
# メンバー紹介のあいさつ・メッセージ),
# and of the notice preview's sending time.
QUIET_HOURS_HOLD = "夜間のため{held}に届きます"
NOTICE_HELD = "お知らせを受け付けました（{count}人）。{note}。"
PREVIEW_HELD = "※今送ると、{note}。"
NOTICE_SCHEDULED = "お知らせを{when}に送信するよう予約しました（現時点で{count}人）。"

# Notices: what members get
NOTICE_HEADER = "お知らせ"
NOTICE_REMINDER_HEADER = "お知らせ（確認のお願い）"
NOTICE_ALT = "【お知らせ】{text}"
NOTICE_REMINDER_ALT = "【確認のお願い】{text}"
ACK_BUTTON = "確認しました"
ACK_THANKS = "確認ありがとうございます。"
WORDS_ACK = (ACK_BUTTON, "確認しました！", "確認済み", "確認済みです", "拝見しました", "見ました", "了解しました")
ACK_ALREADY = "このお知らせは確認済みです。"
ACK_NOT_YOURS = "このお知らせは確認の対象ではありません。"

# Notices: read status
NOTICE_STATUS_EMPTY = "送信済みのお知らせはまだありません。"
NOTICE_STATUS_LINE = "#{id} {when} {segment}：確認 {acked}/{total}人「{head}」"
NOTICE_STATUS_HEADER = "最近のお知らせの確認状況です。詳しく見るものを選んでください。"
NOTICE_DETAIL = "#{id} {when}\n確認済み {acked}/{total}人\n未確認（{pending}人）：\n{names}"
NOTICE_DETAIL_ALL_ACKED = "#{id} {when}\n全員（{total}人）が確認済みです。"
NOTICE_SCHEDULED_LINE = "#{id} {when}に送信予定 {segment}「{head}」"
NOTICE_MORE_NAMES = "…ほか{count}人"
NOTICE_PENDING_NAME = "・{org} {name}"
NOTICE_CANCEL_BUTTON = "#{id}を取り消す"
ASK_NOTICE_CANCEL = "{when}に送信予定のお知らせ #{id} を取り消しますか？取り消すと誰にも届きません。\n―――\n{head}"
NOTICE_CANCEL_OK = "取り消す"
NOTICE_CANCELLED = "お知らせ #{id} を取り消しました。誰にも送られません。"
NOTICE_NOT_CANCELLABLE = "このお知らせはもう取り消せません（送信済みか、取り消し済みです）。"
# Why a notice was not sent, scheduled, reminded or called off (the same from LINE and the console)
NOTICE_REFUSALS = {
    "text": NOTICE_TEXT_INVALID,
    "title": "件名は{max}文字以内にしてください。",
    "past": NOTICE_TIME_PAST,
    "too_far": "3年以上先の日時は指定できません。日付をご確認ください。",  # DATE_TOO_FAR, defined further down
    "segment": "選んだ送信先が見つかりません。送信先を選び直してください。",
    "empty": NOTICE_NO_RECIPIENTS,
    "over_quota": "この送信で今月の上限を{over}通超えます。送る場合は「上限を超えて送信」を選んでください。",
    "not_sent": "このお知らせはまだ送信されていないため、再通知できません。",
    "not_delivered": "このお知らせはまだ届いていないため、再通知できません。",
    "nobody_to_remind": "再通知する相手がいません（全員が確認済みか、すでに再通知しています）。",
    "not_cancellable": NOTICE_NOT_CANCELLABLE,
    "time": "送信日時を選んでください（過去の日時は指定できません）。",
}

# The console: notices (お知らせ)
CONSOLE_NOTICES = "お知らせ"
CONSOLE_NOTICES_LEAD = "送信したお知らせと予約中のお知らせです。確認状況を見るものを選んでください。"
CONSOLE_NOTICES_NEW = "お知らせを作成"
CONSOLE_NOTICES_EMPTY = "まだお知らせはありません。"
CONSOLE_NOTICE_COL_WHEN = "日時"
CONSOLE_NOTICE_COL_TITLE = "件名・本文"
CONSOLE_NOTICE_COL_SEGMENT = "送信先"
CONSOLE_NOTICE_COL_READ = "確認"
CONSOLE_NOTICE_COL_STATUS = "状態"
CONSOLE_NOTICE_STATES = {"scheduled": "送信予定", "sent": "送信済み", "cancelled": "取り消し済み"}
CONSOLE_NOTICE_READ = "{acked}/{total}人"
CONSOLE_NOTICE_TITLE = "件名（なくても送れます・{max}文字まで）"
CONSOLE_NOTICE_TEXT = "本文（{max}文字まで）"
CONSOLE_NOTICE_SEGMENT = "送信先"
CONSOLE_NOTICE_CHOICE = "どれに送りますか"
CONSOLE_NOTICE_ORGS = "団体（複数選べます）"
CONSOLE_NOTICE_RECIPIENTS = "届く人：{count}人"
CONSOLE_NOTICE_COST = "このお知らせで使うメッセージ：{count}通"
CONSOLE_NOTICE_WHEN = "送信日時"
CONSOLE_NOTICE_LATER = "日時を指定して予約"
CONSOLE_NOTICE_QUIET = "夜間（{start}〜{end}）のお知らせは、{end}に届きます。"
CONSOLE_NOTICE_NEXT = "確認へ進む"
CONSOLE_NOTICE_CONFIRM = "送信内容の確認"
CONSOLE_NOTICE_CONFIRM_LEAD = "{count}人に届きます。内容を確かめてから送ってください。"
CONSOLE_NOTICE_SEND = "送信する"
CONSOLE_NOTICE_SCHEDULE = "予約する"
CONSOLE_NOTICE_FIX = "戻って直す"
CONSOLE_NOTICE_DONE = {"sent": "お知らせを送信しました。", "scheduled": "お知らせを予約しました。",
                       "reminded": "まだ確認していない人に再通知しました。", "cancelled": "予約を取り消しました。誰にも送られません。"}
CONSOLE_NOTICE_HEADING = "お知らせ #{id}"
CONSOLE_NOTICE_SENT_AT = "{when}に送信"
CONSOLE_NOTICE_SCHEDULED_AT = "{when}に送信予定"
CONSOLE_NOTICE_SUMMARY = "確認済み {acked}/{total}人"
CONSOLE_NOTICE_LIVE = "確認が届くと、この画面は自動で更新されます。"
CONSOLE_NOTICE_ACKED = "確認済み（{count}人）"
CONSOLE_NOTICE_PENDING = "未確認（{count}人）"
CONSOLE_NOTICE_NAME = "名前"
CONSOLE_NOTICE_ORG = "団体"
CONSOLE_NOTICE_ACKED_AT = "確認した日時"
CONSOLE_NOTICE_REMINDED_AT = "再通知した日時"
CONSOLE_NOTICE_NONE_ACKED = "まだ誰も確認していません。"
CONSOLE_NOTICE_ALL_ACKED = "全員が確認済みです。"
# A sent notice's state, read from its messages (the quiet hours' hold says 夜間のため…に届きます instead)
NOTICE_DELIVERY_STATES = {"scheduled": "送信予定", "held": "夜間のため保留中", "sending": "送信中",
                          "delivered": "送信済み", "failed": "送信できませんでした", "cancelled": "取り消し済み"}
CONSOLE_HOME_NOTICE_HELD = "#{id}「{title}」（{note}）"
NOTICE_HELD_LINE = "#{id} {note} {segment}「{head}」"
CONSOLE_NOTICE_DONE_HELD = "お知らせを受け付けました。{note}。"
NOTICE_DETAIL_HELD = "#{id} {note}（{total}人）。確認状況は届いた後に見られます。"
CONSOLE_NOTICE_REMIND = "未確認の人に再通知"
CONSOLE_NOTICE_REMIND_LEAD = "まだ確認していない{count}人に、このお知らせをもう一度送ります。"
CONSOLE_NOTICE_REMIND_OK = "再通知する"
CONSOLE_NOTICE_CANCEL = "予約を取り消す"
CONSOLE_NOTICE_CANCEL_LEAD = "{when}に送信予定のこのお知らせを取り消します。取り消すと誰にも届きません。"
CONSOLE_NOTICE_BACK = "お知らせ一覧へ"
CONSOLE_NOTICE_UNKNOWN = "このお知らせは見つかりません。"

# Agreements: staff register one in LINE (協定登録)
AGREEMENT_ADD = "協定登録"
AGREEMENT_STAFF_ONLY = "協定の登録は事務局のみできます。"
ASK_AGREEMENT_NAME = "協定の名前を送ってください（{max}文字まで）。例：まちづくり包括連携協定"
AGREEMENT_NAME_INVALID = "協定の名前は1〜{max}文字で送ってください。"
AGREEMENT_NAME_TAKEN = "「{name}」という協定はすでにあります。別の名前を送ってください。"
ASK_AGREEMENT_ORGS = "協定を結ぶ団体を選んでください（複数可）。ボタンにない団体は名前の一部を送ってください。選び終えたら「完了」を押してください。\n選択中：{selected}"
AGREEMENT_ORG_HINT = "その名前の団体を1つに絞れませんでした。下のボタンを押すか、名前をもう少し詳しく送ってください。"
AGREEMENT_ORGS_NONE = "団体を1つ以上選んでから「完了」を押してください。"
ASK_AGREEMENT_START = "協定の開始日を「2026/4/1」のように送ってください。今日からの場合は「今日」と送ってください。"
AGREEMENT_TODAY = "今日"
WORDS_TODAY = (AGREEMENT_TODAY, "きょう", "本日")
AGREEMENT_DATE_INVALID = "日付を読み取れませんでした。「2026/4/1」のように、10年以内の日付を送ってください。"
ASK_AGREEMENT_REVIEW = "見直しの期日を「2029/3/31」のように送ってください。90日前と30日前に事務局にお知らせします。決まっていなければ「スキップ」を押してください。"
AGREEMENT_REVIEW_INVALID = "見直しの期日は、開始日より後の10年以内の日付を「2029/3/31」のように送ってください。なければ「スキップ」を押してください。"
AGREEMENT_PREVIEW = "この内容で協定を登録します。\n協定：{name}\n団体：{orgs}\n開始日：{start}\n見直し期日：{review}"
AGREEMENT_SAVE = "登録する"
AGREEMENT_CONFIRM_HINT = "「登録する」か「キャンセル」のボタンを押すか、そのどちらかを送ってください。"
AGREEMENT_SAVED = "協定「{name}」を登録しました。「KPI設定」でこの協定のKPIを設定できます。"
AGREEMENT_NOT_SAVED = "同じ名前の協定が登録されたか、団体が見つからなくなったため、登録できませんでした。もう一度「協定登録」からお願いします。"

# Administration (管理): staff's second menu, organizations and members in LINE
ADMIN = "管理"
ADMIN_STAFF_ONLY = "管理の操作は事務局のみできます。"
ADMIN_MENU = "管理の操作です。下のボタンから選んでください。"
WORDS_ADMIN = ("管理メニュー", "管理する", "管理の操作")
ORG_ADD = "団体登録"
ORG_STAFF_ONLY = "団体の登録は事務局のみできます。"
ASK_ORG_NAME = "登録する団体の名前を送ってください（{max}文字まで）。例：NPO法人 みどりの会"
ORG_NAME_INVALID = "団体の名前は1〜{max}文字で送ってください。"
ORG_NAME_TAKEN = "「{name}」はすでに登録されています。別の名前を送ってください。"
ASK_ORG_TYPE = "「{name}」の種別を選んでください。"
ORG_TYPE_WORDS = {"municipality": ("行政機関", "自治体", "役所", "市役所", "町役場", "県", "市", "町", "村"),
                  "company": ("会社", "株式会社", "民間企業", "事業者", "法人"),
                  "npo": ("npo法人", "特定非営利活動法人", "えぬぴーおー"),
                  "university": ("大学", "学校", "短大", "高校", "専門学校", "研究機関"),
                  "association": ("団体", "商店会", "商店街", "自治会", "町内会", "協会", "組合"),
                  "other": ("その他", "そのほか", "ほか")}
ORG_TYPE_HINT = "下のボタンから種別を選ぶか、「NPO」「企業」のように送ってください。"
ORG_PREVIEW = "この内容で団体を登録します。\n団体：{name}\n種別：{type}"
ORG_SAVE = "登録する"
ORG_CONFIRM_HINT = "「登録する」か「キャンセル」のボタンを押すか、そのどちらかを送ってください。"
ORG_SAVED = "団体「{name}」を登録しました。続けて、この団体の招待コードを発行しますか？"
ORG_NOT_SAVED = "同じ名前の団体がちょうど登録されたため、登録できませんでした。もう一度「団体登録」からお願いします。"
ORG_INVITE_NOW = "招待コードを発行"
ORG_INVITE_LATER = "あとで"
WORDS_ORG_INVITE = (ORG_INVITE_NOW, "発行", "発行する", "発行します", INVITE_ISSUE, *WORDS_YES)
WORDS_ORG_LATER = (ORG_INVITE_LATER, "後で", "今はいい", "いいえ", "不要", "発行しない", "しない")
ORG_INVITE_HINT = "「招待コードを発行」か「あとで」のボタンを押すか、そのどちらかを送ってください。"
ORG_INVITE_LATER_DONE = "承知しました。招待コードは「招待コード」からいつでも発行できます。"
ORG_MORE = "次の団体"
MEMBER_MANAGE = "メンバー管理"
MEMBER_STAFF_ONLY = "メンバーの管理は事務局のみできます。"
ASK_MEMBER_ORG = "どの団体のメンバーですか？ボタンにない団体は、名前の一部を送ってください。"
MEMBER_ORG_NO_MATCH = "その名前の団体が見つかりません。名前の一部を送るか、下のボタンから選んでください。"
MEMBER_ORG_PICK = "当てはまる団体が複数あります。下のボタンから選んでください。"
MEMBER_ORG_EMPTY = "「{org}」には登録中のメンバーがいません。別の団体を選んでください。"
ASK_MEMBER_PICK = "「{org}」のメンバーです。どの方ですか？\n{lines}"
MEMBER_LINE = "・{name}（{role}）"
MEMBER_INACTIVE = "・友だち解除中"
MEMBER_MORE = "次のメンバー"
MEMBER_PICK_HINT = "下のボタンから選ぶか、お名前の一部を送ってください。"
ASK_MEMBER_ACTION = "{name}さん（{org}・{role}）をどうしますか？"
MEMBER_ACTION_LABELS = {"staff_on": "事務局にする", "staff_off": "事務局から外す", "primary": "主担当にする",
                        "deputy": "副担当にする", "deactivate": "退会にする"}
MEMBER_ACTION_WORDS = {"staff_on": ("事務局に", "事務局", "権限を付ける", "事務局の権限を付ける"),
                       "staff_off": ("事務局を外す", "事務局から外して", "権限を外す", "事務局の権限を外す"),
                       "primary": ("主担当", "主担当に", "正担当", "正担当にする"),
                       "deputy": ("副担当", "副担当に"),
                       "deactivate": ("退会", "退会させる", "退会扱い", "退会処理")}
MEMBER_ACTION_HINT = "下のボタンから選ぶか、「主担当にする」「退会にする」のように送ってください。"
MEMBER_CONFIRM = {
    "staff_on": "{name}さん（{org}）を事務局にします。お知らせや安否確認などの事務局の操作ができるようになります。よろしいですか？",
    "staff_off": "{name}さん（{org}）を事務局から外します。団体のメンバーとしては残ります。よろしいですか？",
    "primary": "{name}さん（{org}）を主担当にします。KPIの報告や安否確認のお願いが届くようになります。よろしいですか？",
    "deputy": "{name}さん（{org}）を副担当にします。主担当から返事がないときに、お願いが届きます。よろしいですか？",
    "deactivate": ("{name}さん（{org}）を退会にします。これまでの記録は残り、この方には何も送られなくなります。"
                   "戻るには新しい招待コードが必要です。よろしいですか？"),
}
MEMBER_CONFIRM_OK = "変更する"
WORDS_MEMBER_CONFIRM = (MEMBER_CONFIRM_OK, "変更", "変更します", "お願いします", *WORDS_YES)
MEMBER_CONFIRM_HINT = "「変更する」か「キャンセル」のボタンを押してください。まだ変更していません。"
MEMBER_DONE = {"staff_on": "{name}さんを事務局にしました。", "staff_off": "{name}さんを事務局から外しました。",
               "primary": "{name}さんを主担当にしました。", "deputy": "{name}さんを副担当にしました。",
               "deactivate": "{name}さんを退会にしました。"}
MEMBER_LAST_STAFF = "{name}さんのほかに事務局がいないため、変更できませんでした。先にほかの方を事務局にしてください。"
MEMBER_GONE = "この方はすでに退会しているか、見つかりません。もう一度「メンバー管理」からお願いします。"
MEMBER_TOLD = {"staff_on": "事務局の権限が付きました。「ヘルプ」で事務局の操作を確認できます。",
               "staff_off": "事務局の権限が外れました。団体のメンバーとしては、これまでどおり使えます。",
               "primary": "団体での担当が「主担当」に変わりました。",
               "deputy": "団体での担当が「副担当」に変わりました。"}

# Reminders
AGREEMENT_REVIEW_REMINDER = "【協定の見直し】「{name}」の見直し期日（{review}）まであと{days}日です。見直しの準備をお願いします。"

# Contact checks (安否確認): what members get
CHECK_HEADER = "【安否確認】"
CHECK_DRILL_HEADER = "【訓練】安否確認"
CHECK_DEFAULT_MESSAGE = "災害が発生しました。ご自身と団体の状況を教えてください。"
CHECK_DRILL_MESSAGE = "これは訓練です。本番と同じように、ご自身と団体の状況を選んでください。"
CHECK_AGAIN = "（再送）まだ回答がありません。"
CHECK_DEPUTY = "（主担当の方から回答がないため、副担当のあなたにもお送りしています）"
CHECK_ANSWER_LABELS = {"safe": "無事", "damaged": "被害あり", "help": "支援が必要"}
CHECK_PROVISION_LABELS = {"supplies": "物資", "shelter": "避難場所", "transport": "輸送", "people": "人員",
                          "none": "なし"}
# The push notification's text (altText): the title, then what to do, read as one sentence.
CHECK_ALT = "{title}次のボタンから状況を選んでください（無事／被害あり／支援が必要）"
CHECK_DRILL_ALT_TITLE = "【訓練】安否確認："
CHECK_RECORDED = "「{answer}」で受け付けました（{when}）。"
CHECK_CHANGED = "回答を「{answer}」に変更しました（最初の回答：{first} {first_when}）。"
CHECK_DRILL_NOTE = "（訓練）"
ASK_CHECK_PROVISIONS = ("いま団体として提供できるものを選んでください（複数可）。選び終えたら「完了」を押してください。\n"
                        "選択中：{selected}")
ASK_CHECK_NOTE = "ほかに伝えたいことがあれば一言送ってください（{max}文字まで）。なければ「なし」を押してください。"
CHECK_NOTE_NONE = "なし"
CHECK_PROVISION_WORDS = {"supplies": ("ぶっし", "物資を提供できる", "食料", "水"),
                         "shelter": ("ひなんばしょ", "避難所", "ひなんじょ", "場所"),
                         "transport": ("ゆそう", "車", "くるま", "運搬", "送迎"),
                         "people": ("じんいん", "人手", "ひとで", "人", "人を出せる"),
                         "none": ("提供できない", "特になし", "ありません", "ない")}
CHECK_PROVISIONS_HINT = "下のボタンを押すか、「物資」「なし」「完了」のように送ってください。"
CHECK_NOTE_TAKEN = "伝えたいこととして記録しました。提供できるものがあれば、下のボタンから選んでください。"
CHECK_NOTE_TOO_LONG = "{max}文字以内で送ってください。"
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
PICK_BY_AREA = "地区で"
ASK_SEGMENT_AREA = "地区を選んでください。"
NO_AREAS = "地区を選んだメンバーがまだいません。別の対象を選んでください。"
CHECK_NO_MEMBERS = "「{segment}」に該当する登録メンバーがいません（0人）。別の対象を選んでください。"
ASK_CHECK_KIND = "本番ですか、訓練ですか？"
CHECK_REAL = "本番"
CHECK_DRILL = "訓練"
CHECK_PREVIEW = ("【安否確認の開始】\n対象：{segment}（{members}人・{orgs}団体）\n種別：{kind}\n"
                 "まず各団体の主担当に送り、{minutes}分ごとに最大{reasks}回、未回答の団体に再送します。")
CHECK_START = "開始する"
CHECK_CONFIRM_INVALID = "「開始する」か「キャンセル」のボタンを押してください。"
CHECK_KIND_HINT = "「本番」か「訓練」のボタンを押すか、そのどちらかを送ってください。"
WORDS_REAL = (CHECK_REAL, "ほんばん", "本番です", "本番で", "実際", "本当", "災害")
WORDS_DRILL = (CHECK_DRILL, "くんれん", "訓練です", "訓練で", "練習", "テスト", "演習")
WORDS_START = (CHECK_START, "開始", "始める", "はじめる", "スタート", "送信", "送信する", *WORDS_YES)
CHECK_STARTED = "安否確認 #{id}（{kind}）を開始しました。{count}人に送信しています。状況は「安否状況」で見られます。"
CHECK_STARTED_ELSEWHERE = ("【安否確認の開始】#{id}（{kind}）が{source}で始まりました。\n対象：{segment}・{count}人に送信しています。"
                           "状況は「安否状況」、電話で聞いた回答は「代理回答」で入力できます。")
CHECK_SOURCE_LABELS = {"api": "警報との自動連携", "cli": "サーバーのコマンド", "console": "管理画面"}
CHECK_ALREADY_RUNNING = ("同じ対象の安否確認 #{id}（{kind}）が{when}から実行中です。新しい確認は始めていません。"
                         "状況は「安否状況」で見られます。新しく始める場合は、先に「安否確認終了」で終了してください。")
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
CHECK_NEED_HEADER = "被害・支援の要請："
CHECK_NEED_LINE = "・{answer} {name}{note}"
CHECK_NEED_NOTE = "（{note}）"
CHECK_MORE_ORGS = "…ほか{count}団体"
CHECK_ORGS_BUTTON = "団体別"
CHECK_ORG_HEADER = "【団体別】#{id}"
CHECK_ORG_LINE = "・{name}：{answer}（{answered}/{contacts}人回答）{offers}{changed}"
CHECK_ORG_OFFERS = " 提供：{offers}"
CHECK_ORG_CHANGED = " 変更：{changes}"
CHECK_NO_ANSWER = "未回答"
CHECK_CLOSED_AT = "（{when}終了）"
CHECK_MILESTONES = "4分の1の団体が回答するまで：{p25}／半数まで：{p50}／4分の3まで：{p75}"
CHECK_MILESTONE_NONE = "未到達"
CHECK_MINUTES = "{minutes}分"
CHECK_SECONDS = "{seconds}秒"
CHECK_SILENT_ORGS = "未回答の団体（{count}）と連絡先：\n{names}"
CHECK_SILENT_LINE = "・{org}：{people}"
CHECK_SILENT_PERSON = "{name}（{role}）{phone}"
CHECK_NO_PHONE = "電話番号未登録"
CHECK_ALL_ANSWERED = "すべての団体が回答しました。"
CHECK_SILENT_BUTTON = "未回答一覧"
ASK_CHECK_CLOSE = "安否確認 #{id}（{segment}）を終了しますか？終了後の回答も記録されます。"
CHECK_CLOSE_OK = "終了する"
CHECK_CLOSED = "安否確認 #{id} を終了しました。"
ASK_CHECK_WHICH = "どの安否確認ですか？"
ASK_PROXY_NAME = "安否確認 #{id}：代わりに回答を入力する人の名前か団体名（一部でも可）を送ってください。"
PROXY_NO_MATCH = "「{query}」に当てはまる対象者がいません。別の名前で送ってください。"
ASK_PROXY_PICK = "どの方ですか？"
ASK_PROXY_PICK_MORE = "どの方ですか？（ほかにも当てはまる人がいます。見つからなければ名前を詳しく送ってください）"
ASK_PROXY_ANSWER = "{name}（{org}）の状況を選んでください。"
PROXY_RECORDED = "記録しました：{name}（{org}）→ {answer}（代理入力）"
PROXY_RECORDED_LATE = "記録しました：{name}（{org}）→ {answer}（代理入力・終了後の回答）"
PROXY_DONE = "{name}さんの回答の入力を終えました。"
PROXY_ANSWER_HINT = "下のボタンを押すか、「無事」「被害あり」「支援が必要」のどれかを送ってください。"
ASK_PROXY_NOTE = "{name}さんから聞いたことがあれば送ってください（{max}文字まで）。なければ「なし」を押してください。"


# Contact checks: a drill's answer-rate curve (the console's chart)
CHECK_CHART_TITLE = "安否確認 #{id}（訓練）の回答率"
CHECK_CHART_ORGS = "回答した団体の割合"
CHECK_CHART_MILESTONE = "{share}%：{took}"
CHECK_CHART_X = "開始からの時間（分）"
CHECK_CHART_X_SECONDS = "開始からの時間（秒）"
CHECK_CHART_Y = "回答率（%）"

# Contact checks on the console (管理画面の安否確認)
CONSOLE_CHECKS_TITLE = "安否確認"
CONSOLE_CHECKS_NONE = "安否確認はまだ行われていません。"
CONSOLE_CHECK_NEW = "安否確認を始める"
CONSOLE_CHECK_COL_KIND = "種別"
CONSOLE_CHECK_COL_SEGMENT = "対象"
CONSOLE_CHECK_COL_STARTED = "開始"
CONSOLE_CHECK_COL_ANSWERED = "回答"
CONSOLE_CHECK_COL_STATUS = "状態"
CONSOLE_CHECK_COL_ANSWER = "回答"
CONSOLE_CHECK_COL_PERSON = "氏名"
CONSOLE_CHECK_COL_ORG = "団体"
CONSOLE_CHECK_COL_NOTE = "伝えたいこと"
CONSOLE_CHECK_COL_OFFERS = "提供できるもの"
CONSOLE_CHECK_COL_PHONE = "電話番号"
CONSOLE_CHECK_COL_WHEN = "回答時刻"
CONSOLE_CHECK_COL_WORST = "最も深刻な回答"
CONSOLE_CHECK_RUNNING = "実行中"
CONSOLE_CHECK_CLOSED_LABEL = "終了"
CONSOLE_CHECK_PEOPLE_UNIT = "人"
CONSOLE_CHECK_BACK = "戻る"
CONSOLE_CHECK_SEGMENT = "対象"
CONSOLE_CHECK_SEGMENT_KINDS = {"area": "地区", "type": "団体の種類", "field": "分野", "agreement": "協定",
                               "group": "LINEグループ"}
CONSOLE_CHECK_KIND = "種別"
CONSOLE_CHECK_MESSAGE = "メッセージ"
CONSOLE_CHECK_MESSAGE_HINT = "空欄なら、訓練では「{drill}」、本番では「{real}」と送られます。回答ボタンの上に表示されます。"
CONSOLE_CHECK_TO_CONFIRM = "確認へ進む"
CONSOLE_CHECK_BAD_SEGMENT = "対象が見つかりません。もう一度選んでください。"
CONSOLE_CHECK_CONFIRM_TITLE = "安否確認の開始"
CONSOLE_CHECK_CONFIRM_COUNT = "{asked}人（{orgs}団体）に今すぐ送ります。"
CONSOLE_CHECK_CONFIRM_HELD = "ほかの副担当{held}人には、主担当が答えないときに送ります（合わせて{members}人）。"
CONSOLE_CHECK_CONFIRM_NOTE = "安否確認は夜間でもすぐに届きます。同じ対象で実行中のものがあれば、新しくは始めません。"
CONSOLE_CHECK_REASK = "再送"
CONSOLE_CHECK_REASK_PLAN = "未回答の方へ{minutes}分ごとに最大{reasks}回"
CONSOLE_CHECK_NOT_FOUND = "この安否確認は見つかりません。"
CONSOLE_CHECK_BOARD_TITLE = "安否確認 #{id}"
CONSOLE_CHECK_DONE = {"started": "安否確認を開始しました。回答が届くと、この画面が自動で更新されます。",
                      "running": "同じ対象の安否確認が実行中のため、新しくは始めませんでした。こちらが実行中の安否確認です。",
                      "reasked": "未回答の方へ再送しました。", "closed": "安否確認を終了しました。終了後の回答も記録されます。",
                      "answered": "電話で受けた回答を記録しました。", "not_open": "この安否確認はすでに終了しています。"}
CONSOLE_CHECK_REASK_NOW = "未回答の方へ今すぐ再送"
CONSOLE_CHECK_CLOSE = "安否確認を終了する"
CONSOLE_CHECK_EXPORT = "CSVをダウンロード"
CONSOLE_CHECK_SILENT_ALL = "未回答の方をすべて見る"
CONSOLE_CHECK_LIVE_ON = "自動更新中"
CONSOLE_CHECK_LIVE_LOST = "接続が切れました。再接続しています…"
CONSOLE_CHECK_STARTED_AT = "{when}開始"
CONSOLE_CHECK_CLOSED_AT = "{when}終了"
CONSOLE_CHECK_DRAWN_AT = "{when}時点"
CONSOLE_CHECK_COUNTS = "回答の数"
CONSOLE_CHECK_ANSWERED_PEOPLE = "回答した人"
CONSOLE_CHECK_HELD_NOTE = "ほか副担当{count}人は、主担当が答えないときに送ります。"
CONSOLE_CHECK_HELD_NOTE_CLOSED = "ほか副担当{count}人には、送らずに終了しました。"
CONSOLE_CHECK_FINISHED = "この安否確認は終了しました。"
CONSOLE_CHECK_ANSWERED_ORGS = "回答した団体"
CONSOLE_CHECK_ORG_COUNTS = "団体：無事 {safe}／被害あり {damaged}／支援が必要 {help}"
CONSOLE_CHECK_PROXY_LATE = "代理入力 {proxy}件／終了後の回答 {late}件"
CONSOLE_CHECK_SENT = "質問：届いた {sent}人／送信待ち {waiting}人／失敗 {failed}人"
CONSOLE_CHECK_SENT_NONE = "質問：このボットから送った記録はありません（デモデータなど）"
CONSOLE_CHECK_REASKS = "再送 {done}/{planned}回"
CONSOLE_CHECK_NEXT_REASK = "（次は{when}）"
CONSOLE_CHECK_DRILL_CURVE = "回答率の推移（訓練）"
CONSOLE_CHECK_IN_NEED = "被害・支援が必要な方"
CONSOLE_CHECK_NONE_IN_NEED = "被害や支援の要請はまだありません。"
CONSOLE_CHECK_BY_PROXY = "代理入力"
CONSOLE_CHECK_MORE_PEOPLE = "ほか{count}人"
CONSOLE_CHECK_OFFERED = "提供できるもの"
CONSOLE_CHECK_SILENT = "未回答の方"
CONSOLE_CHECK_SILENT_TITLE = "安否確認 #{id} の未回答の方"
CONSOLE_CHECK_NOT_ASKED_YET = "まだ送っていません"
CONSOLE_CHECK_CONTACT_ROLE = "（{role}）"
CONSOLE_CHECK_CONTACT_ROLE_HELD = "（{role}・{state}）"
CONSOLE_CHECK_PHONE_ENTRY = "電話で受けた回答を入力"
CONSOLE_CHECK_ORGS = "団体ごとの状況"
CONSOLE_CHECK_TO_BOARD = "状況の画面に戻る"
CONSOLE_CHECK_ANSWER_FOR = "安否確認 #{id}：{name}さん（{org}）"
CONSOLE_CHECK_ANSWER_NOW = "いまの回答：{answer}"
CONSOLE_CHECK_ANSWER_LATE = "この安否確認は終了しています。入力した回答は「終了後の回答」として記録されます。"
CONSOLE_CHECK_NOTE = "聞き取った内容（任意）"
CONSOLE_CHECK_RECORD = "記録する"
CONSOLE_CHECK_PICK_ANSWER = "回答（無事・被害あり・支援が必要）を選んでください。"

# KPI reports: what the responsible organization gets
KPI = "KPI"
KPI_SETUP = "KPI設定"
KPI_PROMPT_HEADER = "【KPI報告のお願い】"
KPI_REMINDER_HEADER = "【KPI報告：再送】まだ報告がありません。"
KPI_DEPUTY_HEADER = "【KPI報告：副担当の方へ】主担当の方から報告がまだありません。代わりにお知らせください。"
KPI_AGAIN_HEADER = "【KPI報告】「あとで」とされた分を、あらためてお願いします。"
KPI_PROMPT_LINE = "・{name}（{period}）目標 {target}／前回 {last}"
KPI_PROMPT_LINE_TOTAL = "・{name}（{period}の分）これまでの累計 {total}／目標 {target}（{date}までの合計）"
KPI_PROMPT_NO_LAST = "なし"
KPI_VALUE_IN_PERIOD = "{value}（{period}）"
KPI_NAME_QUOTED = "「{name}」"
KPI_NAMES_SEP = "、"
KPI_CHANGE_PERCENT = "（{percent}）"
KPI_PROMPT_ONE = "数字を返信してください（例：42）。続けて一言コメントも書けます（例：42 雨で来場が減った）。"
KPI_PROMPT_MANY = "「{example}」のように名前と数字を続けて送ってください。一言コメントも書けます。"
KPI_LATER = "あとで"
KPI_NO_REPORT = "今回は報告なし"
KPI_NO_REPORT_FOR = "報告なし：{name}"
KPI_SNOOZED = "承知しました。{when}にもう一度お知らせします。"
KPI_NOTHING_TO_REPORT = "承知しました。{name}（{period}）は「報告なし」として記録しました。"
KPI_STORED = "記録しました。"
KPI_STORED_LINE = "・{name}（{period}）{value}　目標 {target}（達成率 {rate}）"
KPI_STORED_LINE_TOTAL = "・{name}（{period}）{value}　累計 {total}／目標 {target}（達成率 {rate}）"
KPI_STORED_COMMENT = "　コメント：{comment}"
KPI_STORED_REPLACED = "　（訂正前：{old}）"
KPI_FIX = "訂正"
KPI_FIX_NAMED = "訂正：{name}"
KPI_ASK_FIX = "{name}（{period}）の正しい数字を送ってください（現在 {value}）。一言コメントも続けて書けます。"
KPI_NOT_A_NUMBER = "数字として読み取れませんでした。「42」「1,200」「3.5」「1.2万」のように送ってください（一言コメントは数字の後に）。"
KPI_WHICH = "どのKPIの数字か分かりませんでした。{names} のどれか、名前を付けて送ってください。例：「{example}」"
KPI_UNKNOWN_NAME = "「{word}」というKPIは見つかりませんでした。報告できるのは {names} です。"
KPI_NONE_PENDING = "今、報告をお待ちしているKPIはありません。"
KPI_COMMENT_TOO_LONG = "一言コメントは{max}文字以内で送ってください。"
KPI_CONFIRM = "次の内容で記録してよいか確認してください。"
KPI_CONFIRM_LINE = "・{name}（{period}）{value}"
KPI_WARN_NOT_PENDING = "　⚠ このKPIは今は報告待ちではありません（{period}の値として記録します）"
KPI_WARN_REPLACES = "　⚠ すでに {value} が記録されています（記録すると訂正になります）"
KPI_WARN_LATE = "　⚠ お願いから{days}日以上たっています"
KPI_WARN_NEGATIVE = "　⚠ マイナスの値です"
KPI_WARN_ABSURD = "　⚠ 目標（{target}）の100倍を超えています"
KPI_CONFIRM_YES = "記録する"
KPI_CONFIRM_NO = "記録しない"
WORDS_KPI_RECORD = (KPI_CONFIRM_YES, "記録", "記録します", "このまま", "正しい", "合ってる", *WORDS_YES)
WORDS_KPI_DISCARD = (KPI_CONFIRM_NO, "記録しません", "いいえ", "違う", "間違い", "取り消す")
KPI_DISCARDED = "記録しませんでした。"
KPI_CONFIRM_PENDING = "確認待ちの数字があります。「記録する」か「記録しない」を選んでください。"
KPI_LATE_STAFF = "【KPI未報告】{org}：{name}（{period}）の報告がまだありません。最初のお願いは{asked}、主担当への再送と副担当へのお願いも済んでいます。"
KPI_LATE_STAFF_NO_DEPUTY = "【KPI未報告】{org}：{name}（{period}）の報告がまだありません。最初のお願いは{asked}で、主担当へ2回再送しました（副担当は登録されていません）。"

# KPI reports: seeing the numbers
KPI_NONE_VISIBLE = "あなたの団体の協定には、まだKPIがありません。"
KPI_SUMMARY_HEADER = "【KPIの状況】"
KPI_SUMMARY_AGREEMENT = "■ {agreement}"
KPI_SUMMARY_KPI = "{name}（{org}）"
KPI_SUMMARY_LATEST = "　最新 {value}（{period}）／目標 {target}（{date}まで）達成率 {rate}"
KPI_SUMMARY_NO_VALUE = "　まだ報告がありません／目標 {target}（{date}まで）"
KPI_SUMMARY_TOTAL = "　累計 {total}（{first}〜{latest}）／目標 {target}（{date}までの合計）達成率 {rate}"
KPI_SUMMARY_PACE = "　計画比 {pace}（{period}までの計画 {planned}）"
KPI_SUMMARY_PERIOD = "　{period}の値 {value}"
KPI_SUMMARY_CHANGE = "　{label} {change}（{previous}：{previous_value}）"
KPI_CHANGE_LABELS = {"monthly": "前月比", "quarterly": "前四半期比", "dates": "前回比"}
KPI_SUMMARY_COMMENT = "　コメント：{comment}"
KPI_SUMMARY_NO_REPORT = "報告なし"
KPI_CHARTS_FIRST = "グラフは最初の{count}件のKPIだけ表示しています。"
KPI_CHART_TARGET = "目標 {target}"
KPI_CHART_ACTUAL = "実績"
KPI_CHART_TOTAL = "累計"
KPI_CHART_TITLE = "{name}（{unit}）"
KPI_PERIOD_MONTH = "{year}年{month}月"
KPI_PERIOD_QUARTER = "{year}年{first}〜{last}月"
KPI_PERIOD_DATE = "{year}/{month}/{day}"

# KPI reports: staff define a KPI (KPI設定)
KPI_STAFF_ONLY = "KPIの設定は事務局のみできます。"
KPI_SETUP_NO_AGREEMENTS = "KPIは協定ごとに設定します。まだ協定がないため、先に「協定登録」で協定を登録してください。"
KPI_SETUP_ASK_AGREEMENT = "どの協定のKPIですか？"
KPI_SETUP_ASK_ORG = "報告する団体を選んでください。"
KPI_SETUP_ASK_NAME = "KPIの名前を送ってください（例：講座参加者数）。"
KPI_SETUP_NAME_INVALID = "KPIの名前は40文字以内で送ってください。"
KPI_SETUP_NAME_TAKEN = "この協定か報告する団体に、すでに「{name}」があります。別の名前を送ってください。"
KPI_SETUP_ASK_UNIT = "単位を送ってください（例：人、件、%）。単位がない場合は「なし」と送ってください。"
KPI_SETUP_UNIT_INVALID = "単位は10文字以内で送ってください。"
KPI_SETUP_ASK_TARGET = "目標値を数字で送ってください（例：500、1.2万）。"
KPI_SETUP_TARGET_INVALID = "目標値は0より大きい数字で送ってください（例：500）。"
KPI_SETUP_ASK_TARGET_DATE = "目標の期限を「2027/3/31」のように送るか、選んでください。"
KPI_SETUP_DATE_BUTTON = "日付を選ぶ"
KPI_SETUP_DATE_TOO_FAR = "期限は{years}年以内の日付にしてください。年をご確認ください。"
KPI_SETUP_DATE_INVALID = "期限は明日以降の日付を「2027/3/31」のように送ってください。"
KPI_SETUP_ASK_CADENCE = "報告の頻度を選んでください。"
KPI_CADENCE_LABELS = {"monthly": "毎月", "quarterly": "四半期ごと", "dates": "日付を指定"}
KPI_CADENCE_WORDS = {"monthly": ("月ごと", "月次", "毎月報告", "月1回", "月1"), "quarterly": ("四半期", "3か月ごと", "3ヶ月ごと", "四半期毎"),
                     "dates": ("日付", "日付指定", "指定日")}
KPI_SETUP_PICK_HINT = "下のボタンから選ぶか、ボタンの名前をそのまま送ってください。"
KPI_SETUP_CONFIRM_HINT = "「登録する」か「キャンセル」のボタンを押すか、そのどちらかを送ってください。"
KPI_SETUP_ASK_DATES = "報告日を「12/15 3/15」のように空白で区切って送ってください（最大12日）。"
KPI_SETUP_DATES_INVALID = "報告日は明日以降の日付を「12/15 3/15」のように送ってください（最大12日）。"
KPI_SETUP_ASK_KIND = ("目標の{target}は、どちらですか？\n"
                      "・期間の合計：毎回の数字を足した累計で目指します（例：講座参加者 年間1,200人）\n"
                      "・毎回の水準：毎回の数字そのもので目指します（例：満足度 4.5点）")
KPI_KIND_LABELS = {"total": "期間の合計", "level": "毎回の水準"}
KPI_KIND_WORDS = {"total": ("合計", "累計", "期間合計", "合計です", "累計です", "足し上げ", "足す"),
                  "level": ("水準", "毎回", "毎回水準", "水準です", "毎回です", "各回")}
KPI_KIND_PREVIEW = {"total": "期間の合計（累計で達成率を出します）", "level": "毎回の水準（各回の数字で達成率を出します）"}
KPI_SETUP_KIND_BUTTON = "「期間の合計」か「毎回の水準」のボタンを押すか、そのどちらかを送ってください。"
KPI_SETUP_PREVIEW = (
    "この内容でKPIを登録します。\n"
    "協定：{agreement}\n報告団体：{org}\nKPI：{name}（単位：{unit}）\n目標：{target}（{date}まで）\n目標の考え方：{kind}\n"
    "頻度：{cadence}\n最初の報告依頼：{first}"
)
KPI_SETUP_SAVE = "登録する"
KPI_SETUP_SAVED = "KPI「{name}」を登録しました。期間が締まると{org}の主担当に報告をお願いします。"

# Areas (地区の設定): staff keep the list members choose from
AREA_SETTINGS = "地区の設定"
AREA_STAFF_ONLY = "地区の設定は事務局のみできます。"
AREA_LIST_HEADER = "【地区の一覧】（選んでいる人数）"
AREA_LIST_LINE = "・{name}（{count}人）"
AREA_LIST_EMPTY = "地区はまだ登録されていません。「地区を追加」から登録してください。"
AREA_ADD = "地区を追加"
AREA_REMOVE = "地区を削除"
WORDS_AREA_ADD = ("追加", "追加する", "地区の追加", "地区追加")
WORDS_AREA_REMOVE = ("削除", "削除する", "地区の削除", "地区削除")
AREA_MENU_INVALID = "下のボタンから選んでください。終えるときは「キャンセル」を押してください。"
AREA_ASK_NAMES = "追加する地区の名前を送ってください（1つ{max}文字まで）。複数のときは「北地区、中央地区」のように区切ってください。"
AREA_NAMES_INVALID = "地区の名前は1つにつき{max}文字以内で送ってください（例：北地区、中央地区）。"
AREA_ADDED = "追加しました：{names}"
AREA_ALREADY = "すでに一覧にあります：{names}"
AREA_LINKED_TYPED = "以前に地区を文字で入力していたメンバーを、追加した地区に登録しました（{count}件）。"
AREA_ASK_REMOVE = "削除する地区を選んでください。"
AREA_CONFIRM_REMOVE = "「{name}」を一覧から削除します。この地区を選んでいる{count}人の登録からも外れます。よろしいですか？"
AREA_REMOVE_YES = "削除する"
AREA_REMOVE_CONFIRM_INVALID = "「削除する」か「キャンセル」を押してください。まだ削除していません。"
AREA_PICK_BUTTON = "下のボタンから、削除する地区を選んでください。"
AREA_REMOVED = "「{name}」を削除しました（{count}人の登録から外しました）。"

# Dates and times typed in any dialog (one reader for all of them)
DATE_UNREADABLE = "日時を読み取れませんでした。「{example}」のように送ってください。"
DATE_NOT_REAL = "存在しない日付か時刻です（2/30、25時など）。ご確認ください。"
DATE_TIME_MISSING = "時刻も付けて「{example}」のように送ってください。"
DATE_ENDS_BEFORE_START = "終わりの時刻が始まりより前になっています。「{example}」のように送ってください。"
DATE_WRONG_WEEKDAY = "{day}は{actual}曜日です（{typed}曜日と書かれています）。日付か曜日をご確認ください。"
DATE_PAST_TODAY = "その時刻はもう過ぎています。これから先の日時を送ってください。"
DATE_PAST = "{day}はもう過ぎています。これから先の日付を送ってください。"
DATE_PAST_NEXT_YEAR = "{day}はもう過ぎています。次の{date}のことでしたら「{next}」のように年も付けて送ってください。"
EXAMPLE_SLOT = "12/11 10時-11時"
EXAMPLE_MOMENT = "12/11 18時"
EXAMPLE_DAY = "2027/3/31"
EXAMPLE_DAYS = "12/15 3/15"

# Meetings (日程調整): creating
MEETING = "日程調整"
MEETING_MANAGE = "会議の変更"
WEEKDAYS = "月火水木金土日"
ASK_MEETING_TITLE = "会議の名前を送ってください（{max}文字まで）。例：12月 推進会議"
MEETING_TITLE_INVALID = "会議の名前は1〜{max}文字で送ってください。"
MEETING_IN_GROUP = "{name}さん、日程調整の設定はボットとの1対1のトークで続けてください。このグループのメンバーに参加をお願いします。"
MEETING_MEMBERS_ONLY = "日程調整は登録済みのメンバーが始められます。"
ASK_MEETING_SLOT = ("候補日時を追加してください（{count}/{max}件）。「12/11 10時-11時」のように送るか、"
                    "ボタンで開始日時を選んでください。追加し終えたら「完了」を押してください。")
PICK_SLOT = "開始日時を選ぶ"
ASK_SLOT_LENGTH = "{start}からの長さを選んでください。"
SLOT_LENGTHS = {"30": "30分", "60": "1時間", "90": "1時間30分", "120": "2時間", "180": "3時間"}
SLOT_LENGTH_WORDS = {"30": ("30", "半時間", "さんじゅっぷん"), "60": ("60分", "60", "1h", "いちじかん"),
                     "90": ("90分", "90", "1時間半", "1.5時間"), "120": ("120分", "120", "2h"),
                     "180": ("180分", "180", "3h")}
SLOT_LENGTH_HINT = "下のボタンから長さを選ぶか、「1時間」「90分」のように送ってください。"
SLOT_ADDED = "候補に追加しました：{slot}"
SLOT_FLAG_HOLIDAY = "⚠ 祝日（{name}）です"
SLOT_FLAG_WEEKEND = "⚠ 土日です"
SLOT_FLAG_HOURS = "⚠ 8:00〜21:00以外の時間にかかっています"
SLOT_PAST = "過去の日時は候補にできません。"
DATE_TOO_FAR = "3年以上先の日時は指定できません。日付をご確認ください。"
SLOT_DUPLICATE = "その日時はすでに候補にあります。"
SLOTS_FULL = "候補は{max}件までです。「完了」を押して次へ進んでください。"
SLOTS_NONE = "候補を1件以上追加してください。"
ASK_MEETING_SEGMENT = "参加をお願いする相手を選んでください。"
MEETING_NO_INVITEES_GROUP = "このグループで発言した登録メンバーがまだいないため、参加依頼を送れません。日程調整を取り消しました。"
MEETING_NO_INVITEES = "「{segment}」に該当する登録メンバーがいません（0人）。別の相手を選んでください。"
ASK_MEETING_DEADLINE = "回答の締め切りを選んでください（最初の候補 {first} より前）。"
DEADLINE_TOMORROW = "明日18時"
DEADLINE_IN_3_DAYS = "3日後18時"
PICK_DEADLINE = "日時を指定"
WORDS_TOMORROW = ("明日", "あした", "明日18時まで", "明日まで")
WORDS_IN_3_DAYS = ("3日後", "三日後", "3日後まで", "3日後18時まで")
DEADLINE_INVALID = "締め切りは今より後で、最初の候補（{first}）より前にしてください。"
MEETING_PREVIEW = "【日程調整の確認】\n会議：{title}\n候補：\n{slots}\n参加依頼：{segment}（{count}人）\n締め切り：{deadline}"
MEETING_PREVIEW_SLOT = "・{slot}{flags}"
MEETING_SEND = "送信する"
MEETING_CONFIRM_INVALID = "「送信する」か「キャンセル」のボタンを押すか、そのどちらかを送ってください。"
MEETING_SENT = "日程調整「{title}」を{count}人に送りました（#{id}）。締め切り後に、いちばん多く参加できる日時をお知らせします。"
MEETING_HELD = "日程調整「{title}」を受け付けました（{count}人・#{id}）。{note}。締め切り後に、いちばん多く参加できる日時をお知らせします。"

# Meetings: answering
MEETING_CARD_HEADER = "日程調整"
MEETING_CARD_DEADLINE = "回答の締め切り：{deadline}"
MEETING_CARD_HELP = ("候補ごとに ○（参加できる）△（調整すれば）×（参加できない）を押してください。"
                     "「1○ 2×」のように送っても答えられます。締め切りまで変更できます。")
MEETING_MARK_WORDS = {"yes": ("○", "〇", "◯", "まる", "参加", "参加できる", "参加します", "出席", "ok"),
                      "maybe": ("△", "さんかく", "調整", "未定", "たぶん", "調整中"),
                      "no": ("×", "✕", "✖", "x", "ばつ", "バツ", "不参加", "欠席", "参加できない", "無理")}
MEETING_TYPED_HINT = "候補が複数あります。候補ごとにボタンを押すか、「1○ 2△ 3×」（上から順の番号）のように送ってください。"
MEETING_TYPED_ANSWERED = "「{title}」の回答を受け付けました。\n{lines}\n（{done}/{total}件回答済み）"
MEETING_ALT = "【日程調整】{title}（締め切り {deadline}）"
MEETING_MARKS = {"yes": "○", "maybe": "△", "no": "×"}
MEETING_TALLY_BUTTON = "集計を見る"
MEETING_ANSWERED = "{slot}：{mark}（{done}/{total}件回答済み）"
MEETING_ALL_ANSWERED = "すべての候補に回答しました。締め切り（{deadline}）までは変更できます。"
MEETING_CLOSED = "この日程調整は締め切られました。"
MEETING_ALL_IN = "全員が回答したため、この日程調整を締め切りました。決まった日時をお知らせします。"
MEETING_NO_SLOT_WORKS = "「{title}」はどの候補日時にも参加できる人がいなかったため、日程は決まりませんでした。"
MEETING_NOT_INVITED = "この日程調整の参加依頼は届いていません。"
MEETING_TALLY = "【集計】{title}\n{lines}\n回答 {answered}/{invited}人"
MEETING_TALLY_LINE = "{slot}　○{yes} △{maybe} ×{no}{mine}"
MEETING_TALLY_MINE = "（あなた：{mark}）"
MEETING_REMINDER = "【回答のお願い】「{title}」の日程調整の締め切りは{deadline}です。まだの候補に回答をお願いします。"

# Meetings: deciding
MEETING_PROPOSAL = ("【日程調整の締め切り】{title}\n最有力：{slot}（○{yes} △{maybe}）\n{lines}\n"
                    "この日時で確定しますか？{hours}時間以内に選ばなければ、この日時で確定します。")
MEETING_CONFIRM_BEST = "この日時で確定"
MEETING_NOT_DECIDING = "この会議は確定済みか、中止されています。"
MEETING_DECIDED = "【日程決定】{title}\n日時：{slot}\n参加：{yes}\n調整中：{maybe}"
MEETING_CALENDAR = "カレンダーに登録：{url}"
MEETING_DECIDED_ORGANIZER = "「{title}」を{slot}で確定し、参加依頼した{count}人に知らせました。"
MEETING_DECIDED_HELD = "「{title}」を{slot}で確定しました。参加依頼した{count}人へのお知らせは、{note}。"
MEETING_NOBODY = "なし"
MEETING_DAY_BEFORE = "【明日の会議】{title}\n{slot}"
MEETING_HOUR_BEFORE = "【1時間後の会議】{title}\n{slot}"

# Meetings: changing
ASK_MEETING_WHICH = "どの会議ですか？"
MEETING_NONE_TO_MANAGE = "変更できる会議がありません（ご自身が始めた日程調整だけ変更できます）。"
ASK_MEETING_ACTION = "「{title}」（{when}）をどうしますか？"
MEETING_CANCEL = "中止する"
MEETING_MOVE = "日時を変更"
MEETING_CANCELLED = "【会議の中止】「{title}」（{when}）は中止になりました。"
MEETING_MOVED = "【日時の変更】「{title}」は{slot}に変更になりました。"
MEETING_CHANGE_DONE = "参加依頼した{count}人に知らせました。"
MEETING_CHANGE_HELD = "参加依頼した{count}人へのお知らせを受け付けました。{note}。"
MEETING_MOVE_NOT_DECIDED = "日時の変更は確定した会議だけできます。"
ASK_MEETING_ACTION_DECIDED = ("「{title}」（{when}）をどうしますか？\n"
                              "日時を変えるときは、ボタンで選ぶか「12/11 14時」のように新しい開始日時を送ってください。")
MEETING_CHANGE_PREVIEW = "参加依頼した{count}人に次の内容を送ります。よろしければ「{ok}」を押してください。\n―――\n{text}"
MEETING_MOVE_SEND = "変更して知らせる"
MEETING_CANCEL_SEND = "中止して知らせる"
MEETING_CHANGE_CONFIRM_INVALID = "「{ok}」か「キャンセル」を押してください。まだ誰にも送っていません。"
MEETING_MOVE_STALE = "その日時はもう過ぎたため、変更しませんでした。もう一度「会議の変更」からやり直してください。"

# Introductions
INTRO_STOP = "紹介を停止"
INTRO_RESUME = "紹介を再開"
INTRO_STOPPED = "メンバー紹介とひとことの配信を停止しました。再開するときは「紹介を再開」と送ってください。"
INTRO_RESUMED = "メンバー紹介とひとことの配信を再開しました。次回の紹介からご案内します。"
INTRO_NOTICE = ("【メンバー紹介のお知らせ】{when}に、ふだん接点の少ない分野・団体のメンバーを1人ご紹介します。"
                "今回見送る場合は下のボタンを押してください。")
INTRO_SKIP_BUTTON = "今回は見送る"
INTRO_JOIN_BUTTON = "やっぱり参加する"
INTRO_SKIPPED = "今回の紹介は見送りにしました。次回またご案内します。"
INTRO_JOINED = "今回の紹介に参加します。"
INTRO_ROUND_STARTED = "この回の紹介はすでに始まっています。"
INTRO_WAITING = "今回のメンバー紹介は参加者の人数の都合で、ご紹介できる方がいませんでした。次回は優先してご紹介します。"
INTRO_UNPAIRED = "今回のメンバー紹介では、ご紹介できる方が見つかりませんでした。次回またご案内します。"
INTRO_CARD_HEADER = "メンバー紹介"
INTRO_ALT = "【メンバー紹介】{name}さん（{org}）をご紹介します"
INTRO_CARD_ORG = "{org}（{org_type}）"
INTRO_CARD_FIELDS = "分野：{fields}"
INTRO_LIST_SEP = "・"
INTRO_CARD_NOW = "今の取り組み：{text}"
INTRO_CARD_WORRY = "困っていること：{text}"
INTRO_CARD_OFFER = "提供できること：{text}"
INTRO_CARD_MATCH = "相手が提供できる「{items}」は、あなたの団体が求めていることです。"
INTRO_CARD_ICEBREAKER = "話のきっかけに：{question}"
INTRO_HELLO_BUTTON = "あいさつを送る"
INTRO_EXCHANGE_BUTTON = "LINE IDを交換する"
INTRO_HELLO = "はじめまして！メンバー紹介でご縁をいただきました。よろしくお願いします。"
INTRO_FROM = "【{name}さん（{org}）から】\n{text}\n（返信は下の「返事を送る」からどうぞ）"
INTRO_HELLO_SENT = "{name}さんにあいさつを送りました。返事が来たらお知らせします。"
INTRO_HELLO_HELD = "{name}さんへのあいさつを受け付けました。{note}。返事が来たらお知らせします。"
INTRO_HELLO_MORE = "ご自分の言葉でも一言送れます。続けて送ると、確認のうえ{name}さんに届けます。"
INTRO_HELLO_ALREADY = "あいさつはもう送っています。続きは「返事を送る」からどうぞ。"
INTRO_MESSAGE_BUTTON = "返事を送る"
INTRO_ASK_MESSAGE = "{name}さんへのメッセージを1つ送ってください（{max}文字まで）。"
INTRO_MESSAGE_INVALID = "メッセージは{max}文字以内の文章で送ってください。"
INTRO_MESSAGE_SENT = "{name}さんに送りました。"
INTRO_MESSAGE_HELD = "{name}さんへのメッセージを受け付けました。{note}。"
INTRO_ASK_LINE_ID = "あなたのLINE IDを送ってください。{name}さんも交換に同意したときだけ、お互いに伝えます。"
INTRO_LINE_ID_INVALID = "LINE IDは半角の英数字と . - _ の4〜20文字で送ってください。"
INTRO_LINE_ID_WAIT = "LINE IDを預かりました。{name}さんも同意したらお知らせします。"
INTRO_LINE_ID_REQUEST = "{name}さん（{org}）がLINE IDの交換を希望しています。交換してよければ下のボタンからどうぞ。"
INTRO_LINE_ID_EXCHANGED = "{name}さんのLINE IDは「{line_id}」です。LINEの友だち追加の「検索」から追加できます。"
INTRO_LINE_ID_DONE = "LINE IDの交換はもう済んでいます。"
INTRO_FOLLOWUP = "先日ご紹介した{name}さん（{org}）とは話せましたか？"
INTRO_OUTCOME_LABELS = {"talked": "話せた", "not_yet": "まだ", "pass": "今回はパス"}
INTRO_OUTCOME_WORDS = {"talked": ("話せた", "話せました", "話しました", "会えた", "会えました"),
                       "not_yet": ("まだ", "まだです", "まだ話せていない", "これから"),
                       "pass": ("今回はパス", "今回はパスします")}
INTRO_OUTCOME_REPLIES = {
    "talked": "よかったです！新しいつながりとして記録しました。",
    "not_yet": "承知しました。カードの「あいさつを送る」からいつでもどうぞ。",
    "pass": "承知しました。次回の紹介をお楽しみに。",
}

# Introductions: staff
INTRO_SETTINGS = "紹介設定"
INTRO_NETWORK = "つながり"
INTRO_STAFF_ONLY = "紹介の設定とつながりの確認は事務局のみできます。"
INTRO_SCHEDULE = "{every} {weekday}曜 {time}（{followup}日後にふりかえり）"
INTRO_SCHEDULE_NOW = "紹介の設定：{schedule}\n次回：{next}\n変更する場合は間隔を選んでください。"
INTRO_SCHEDULE_OFF = "紹介は停止中です。始める場合は間隔を選んでください。"
INTRO_EVERY_LABELS = {"7": "毎週", "14": "2週ごと", "28": "4週ごと"}
INTRO_EVERY_DAYS = "{days}日ごと"
INTRO_SCHEDULE_STOP = "紹介を止める"
INTRO_ASK_WEEKDAY = "紹介する曜日を選んでください。"
INTRO_ASK_TIME = "紹介する時刻を選んでください。"
INTRO_TIMES = ["09:00", "10:00", "12:00", "15:00", "17:00"]
INTRO_SCHEDULED = "紹介を「{schedule}」に設定しました。次回は{next}です（前日にお知らせします）。"
INTRO_ROUND_CALLED_OFF = "{when}に予定していたメンバー紹介は、事務局の設定変更により中止になりました。"
INTRO_SEND = "送信する"
INTRO_CONFIRM_MESSAGE = "{name}さんに次のメッセージを送ります。よろしければ「送信する」を押してください。\n\n{text}"
INTRO_CONFIRM_LINE_ID = "LINE ID「{line_id}」を{name}さんと交換します（{name}さんも同意したときだけ伝わります）。よろしければ「送信する」を押してください。"
WEEKLY_CONFIRM_TYPED = ("今週のひとこと「{question}」への答えとして「{text}」を送りますか？"
                        "答えた人全員に、分野ごとにまとめて届きます。よろしければ「送信する」を押してください。")
WEEKLY_CONFIRM = "ひとことの答えは「{text}」でよいですか？答えた人全員に、分野ごとにまとめて届きます。よろしければ「送信する」を押してください。"
INTRO_OTHER_STOPPED = "{name}さんは今、メンバー紹介を停止しているため、メッセージは届けられません。"
INTRO_SCHEDULE_STOPPED = "紹介を停止しました。"
INTRO_STATS = ("【つながり】\nメンバー：{members}人（紹介停止 {opted_out}人）\n紹介：{rounds}回・{pairs}組\n"
               "つながり：{ties}組（うち分野をまたぐもの {cross}組）\nつながりがまだない人：{lonely}人\n"
               "分野の橋渡しをしている団体：{bridges}")
INTRO_BRIDGE = "{name}（{fields}分野とつながり）"
INTRO_BRIDGE_SEP = "、"
INTRO_NO_BRIDGES = "まだありません"

# Introductions: the question of the week (ひとこと)
WEEKLY = "ひとこと"
WEEKLY_ASK_TEXT = "今週の「ひとこと」の質問を送ってください（{max}文字まで）。質問集から選ぶ場合は「おまかせ」を押してください。"
WEEKLY_PICK = "おまかせ"
WEEKLY_TEXT_INVALID = "質問は{max}文字以内の1行で送ってください。"
WEEKLY_PREVIEW = "次の質問を{count}人に送ります。よろしければ「送信する」を押してください。\n―――\n{question}"
WEEKLY_SEND = "送信する"
WEEKLY_CONFIRM_INVALID = "「送信する」か「キャンセル」のボタンを押すか、そのどちらかを送ってください。まだ誰にも送っていません。"
WEEKLY_SENT = "「{question}」を{count}人に送りました。{when}に、答えた人へ回答をまとめて届けます。"
WEEKLY_HELD = "「{question}」を受け付けました（{count}人）。{note}。{when}に、答えた人へ回答をまとめて届けます。"
WEEKLY_NOBODY = "送る相手がいません（紹介を受け取るメンバーが0人です）。"
WEEKLY_MESSAGE = "【今週のひとこと】{question}\n一言で答えてください。{when}に、答えた人どうしで回答を分野ごとに共有します。"
WEEKLY_ANSWER_BUTTON = "答える"
WEEKLY_ASK_ANSWER = "「{question}」への一言を送ってください（{max}文字まで）。"
WEEKLY_ANSWER_INVALID = "一言は{max}文字以内の1行で送ってください。"
WEEKLY_ANSWERED = "受け付けました。{when}に、みんなの回答をお届けします。"
WEEKLY_REPLACED = "前の答えを「{text}」に置き換えました。{when}に、みんなの回答をお届けします。"
WEEKLY_CLOSED = "このひとことの受付は終わりました。"
WEEKLY_DIGEST_HEADER = "【ひとことのまとめ】{question}（{count}人）"
WEEKLY_DIGEST_FIELD = "■{field}"
WEEKLY_DIGEST_LINE = "・{name}（{org}）：{answer}"
WEEKLY_OTHER_FIELD = "その他"

# Questions for a first conversation, and for the question of the week when staff leave it to the bot.
INTRO_ICEBREAKERS = [
    "いま一番力を入れている活動は何ですか？",
    "活動を始めたきっかけは何でしたか？",
    "最近うれしかった出来事は何ですか？",
    "地域で「もったいない」と感じていることは？",
    "ほかの分野の人に知ってほしいことは何ですか？",
    "一緒にやってみたい企画はありますか？",
    "活動で一番人手が足りない場面はいつですか？",
    "地域のお気に入りの場所はどこですか？",
    "災害のとき、団体として何ができそうですか？",
    "若い世代とつながるために工夫していることは？",
    "活動の情報はどうやって発信していますか？",
    "最近読んで（見て）よかったものは何ですか？",
    "これまでで一番手応えがあった取り組みは？",
    "5年後、地域がどうなっていたらうれしいですか？",
    "団体の「自慢できること」を一つ教えてください。",
    "ほかの団体に相談してみたいことはありますか？",
    "活動の中でよく聞かれる質問は何ですか？",
    "ボランティアさんに声をかけるとき、何を大事にしていますか？",
    "地域で最近気になっている変化は何ですか？",
    "一緒に使えそうな場所や道具はありますか？",
    "仕事以外の楽しみは何ですか？",
    "初めての人が参加しやすい活動はありますか？",
    "活動でデジタルを使って助かったことは？",
    "行政や企業と組んでよかった経験はありますか？",
    "地域の「まだ知られていない魅力」は何ですか？",
    "今年中にやってみたいことは何ですか？",
    "活動を続けるコツは何ですか？",
    "子どもや高齢の方と関わる場面はありますか？",
    "協力してくれる人を増やすには何が必要だと思いますか？",
    "最近始めた新しい取り組みはありますか？",
    "地元のおすすめのお店や食べ物は？",
    "もし一日だけ別の分野の団体で働くなら、どこがいいですか？",
]

# Handover (引継ぎ): a contact role passed to a successor
HANDOVER = "引継ぎ"
HANDOVER_MATERIAL = "引継ぎ資料"
HANDOVER_NOT_CONTACT = "引継ぎは主担当・副担当の方が始められます。担当の変更は事務局にご相談ください。"
HANDOVER_ASK_DEPARTING = "どなたの担当を引き継ぎますか？ボタンで選ぶか、名前の一部を送ってください。"
HANDOVER_NO_CONTACTS = "引き継げる担当者（主担当・副担当）がいません。"
HANDOVER_DEPARTING_NO_MATCH = "その名前の担当者が見つかりません。ボタンで選ぶか、名前の一部を送ってください。"
HANDOVER_ASK_SUCCESSOR = ("{name}さん（{org}・{role}）の後任を選んでください。"
                          "まだ登録していない方なら「{invite}」を押してください。")
HANDOVER_NEW_PERSON = "まだ登録していない人"
WORDS_HANDOVER_NEW_PERSON = (HANDOVER_NEW_PERSON, "未登録", "新しい人", "招待", "招待コード")
HANDOVER_SUCCESSOR_NO_MATCH = "同じ団体にその名前のメンバーが見つかりません。ボタンで選んでください。"
HANDOVER_CONFIRM = ("{before}さんの{role}（{org}）を{after}さんに引き継ぎます。待っている報告・会議・安否確認なども"
                    "{after}さんに移ります。よろしければ「{ok}」を押してください。")
HANDOVER_CONFIRM_INVITE = ("{before}さんの{role}（{org}）を、これから登録する方に引き継ぎます。引継ぎ用の招待コードを"
                           "発行し、その方が登録したときに引き継ぎます。よろしければ「{ok}」を押してください。")
HANDOVER_OK = "引き継ぐ"
WORDS_HANDOVER_OK = (HANDOVER_OK, "引継ぐ", "引き継ぎます", "引継ぎます", "実行", *WORDS_YES)
HANDOVER_CONFIRM_HINT = "「引き継ぐ」か「キャンセル」を押してください。まだ何も変えていません。"
HANDOVER_DONE = ("{after}さんが{org}の{role}になりました（移したもの {moved}件）。"
                 "1日以内なら「引継ぎを取り消す」で元に戻せます。")
HANDOVER_UNDO_BUTTON = "引継ぎを取り消す"
HANDOVER_INVITE_ISSUED = ("後任の方にこの招待コードを渡してください（1回限り、{when}まで有効）。"
                          "その方が登録すると{role}の引継ぎが完了します。")
HANDOVER_REFUSED = {
    "inactive": "その方は今メンバーとして有効ではないため、引き継げません。",
    "same": "ご本人には引き継げません。別の方を選んでください。",
    "other-org": "後任は同じ団体のメンバーから選んでください。",
    "not-contact": "その方は主担当・副担当ではないため、引き継ぐ担当がありません。",
    "in-progress": "その方の引継ぎは後任の登録待ちです（招待コードの有効期限まで）。",
    "no-member": "そのメンバーは見つかりません。",
}
HANDOVER_TO_SUCCESSOR = ("【引継ぎ】{before}さんから{org}の{role}を引き継ぎました。引継ぎ資料をお送りします。"
                         "あとで見るときは「引継ぎ資料」と送ってください。")
HANDOVER_TO_DEPARTING = ("【引継ぎ】{org}の{role}を{after}さんに引き継ぎました。これまでの記録はそのまま残ります。"
                         "今後はどうされますか？")
HANDOVER_STAY = "メンバーとして残る"
HANDOVER_LEAVE = "退会する"
HANDOVER_STAYED = "メンバーとして残ります。お知らせなどは引き続き届きます。"
HANDOVER_LEFT = "退会しました。これまでありがとうございました。"
HANDOVER_CHOICE_DONE = "この質問にはもう答えています。"
HANDOVER_LEAVE_REFUSED = "ほかに事務局の方がいないため、退会できません。先に事務局の方を追加してください。"
HANDOVER_KPI_HEADER = "【引継ぎ】前任の方にお願いしていたKPIの報告です。"
HANDOVER_POLL_HEADER = "【引継ぎ】前任の方に届いていた日程調整です。ご都合を答えてください。"
HANDOVER_MEETING = "【引継ぎ】前任の方が参加予定だった会議です。\n{title}\n{slot}"
HANDOVER_CHECK_HEADER = "【引継ぎ】前任の方が未回答だった安否確認です。団体の状況を答えてください。"
HANDOVER_INTRO_HEADER = "引継ぎ：前任の方へのメンバー紹介"
HANDOVER_PARTNER_CARD_HEADER = "引継ぎ：連携先のご担当"
HANDOVER_PARTNER_TOLD = "【担当者の交代】{org}の{role}が{before}さんから{after}さんに代わりました。"
HANDOVER_PARTNER_TOLD_HEADER = "引継ぎ：{org}の新しいご担当"
HANDOVER_UNDONE = "引継ぎを取り消しました。{org}の{role}は{before}さんに戻りました。"
HANDOVER_UNDONE_TO_SUCCESSOR = "【引継ぎの取り消し】{org}の{role}の引継ぎは取り消され、担当は{before}さんに戻りました。"
HANDOVER_UNDONE_TO_DEPARTING = "【引継ぎの取り消し】{org}の{role}はあなたに戻りました。"
HANDOVER_UNDONE_TO_PARTNER = "【引継ぎの取り消し】{org}のご担当は、引き続き{before}さんです。"
HANDOVER_UNDO_REFUSED = {
    "too-late": "引継ぎから1日を過ぎたため、取り消せません。事務局にご相談ください。",
    "not-yours": "引継ぎを取り消せるのは、始めた方か事務局です。",
    "not-done": "この引継ぎはもう取り消されているか、まだ完了していません。",
    "left": "前任の方が退会しているため、取り消せません。",
}
HANDOVER_ALT = "【引継ぎ資料】{org}：協定・KPI・会議・お知らせ・連携先の担当者"
MATERIAL_HEADER = "引継ぎ資料"
MATERIAL_AGREEMENTS = "協定"
MATERIAL_TERM = "期間：{start}〜{end}"
MATERIAL_OPEN_END = "定めなし"
MATERIAL_REVIEW = "見直し：{date}"
MATERIAL_NO_REVIEW = "見直し日：未設定"
MATERIAL_WITH = "相手：{names}"
MATERIAL_NONE = "ありません"
MATERIAL_KPIS = "KPI"
MATERIAL_KPI_TARGET = "目標：{target}（{date}まで）"
MATERIAL_KPI_LATEST = "最新：{value}（{period}）"
MATERIAL_KPI_NO_VALUE = "最新：まだ報告がありません"
MATERIAL_KPI_NEXT = "次の報告：{date}"
MATERIAL_KPI_OPEN = "未報告：{periods}"
MATERIAL_MEETINGS = "今後の会議"
MATERIAL_MEETING_POLL = "日程調整中（締切 {deadline}）"
MATERIAL_MEETING_DECIDING = "日程の確定待ち"
MATERIAL_NOTICES = "最近のお知らせ"
MATERIAL_NOTICE_LINE = "{when}・{acked}/{count}人が確認"
MATERIAL_PARTNERS = "連携先の担当者"
MATERIAL_PARTNER_LINE = "{role}：{name}"
MATERIAL_NO_CONTACT = "担当者が未登録"
MATERIAL_MORE = "ほか{count}件"
MATERIAL_NOT_MEMBER = "引継ぎ資料は団体のメンバーが見られます。"
FRAGILE_NOTE = "【担当者の体制】一人に頼っている団体があります（{count}団体）。\n{lines}\n副担当の登録や引継ぎをご検討ください。"
FRAGILE_LINE = "・{org}：{reasons}"
FRAGILE_REASONS = {"single": "メンバーが1人だけ", "no_primary": "主担当がいない", "no_deputy": "副担当がいない",
                   "inactive": "担当者が長くLINEを離れている"}
FRAGILE_SEP = "、"

# The simulator page (local mode only): the LINE app played in the browser
SIM_TITLE = "Renkei シミュレーター"
SIM_LOCAL_BANNER = "ローカルモードで動いています。LINEには接続していません。届くメッセージはこのページの中だけのものです。"
SIM_PEOPLE = "登場人物"
SIM_GUEST_NAME = "参加者{n}"
SIM_ADD_PERSON = "人を追加"
SIM_GROUPS = "グループ"
SIM_GROUP_NAME = "グループ名"
SIM_GROUP_DEFAULT_NAME = "連携会議"
SIM_GROUP_CREATE = "ボットを入れてグループを作る"
SIM_GROUP_MEMBERS = "{count}人のグループ"
SIM_FOLLOW = "友だち追加"
SIM_UNFOLLOW = "ブロック"
SIM_NOT_FRIENDS = "まだ友だちではありません。「友だち追加」を押すと、ボットが話しかけてきます。"
SIM_SPEAKER = "発言する人"
SIM_INPUT_PLACEHOLDER = "メッセージを入力"
SIM_SEND = "送信"
SIM_BOT_NAME = "連携ボット"
SIM_PICK = "日時を選んでください"
SIM_PICK_DATE = "日付を選んでください"
SIM_PICK_TIME = "時刻を選んでください"
SIM_PICK_OK = "決定"
SIM_PICK_CANCEL = "やめる"
SIM_NOTIFY_IMAGE = "画像が届きました"
SIM_REQUESTS = "ボットがLINEに送ったリクエスト"
SIM_REQUESTS_NONE = "まだありません。"
SIM_SCHEMA_ON = "LINE公式の仕様（OpenAPI）で検査しています。"
SIM_SCHEMA_OFF = "仕様ファイルが見つからないため、LINE公式の仕様による検査はしていません。"
SIM_SCHEMA_ERRORS = "仕様との食い違い"
SIM_START = "はじめに"
SIM_EMPTY_DATABASE = "まだ団体も招待コードもありません。デモデータを入れると、架空の連携の様子をすぐに試せます。"
SIM_LOAD_DEMO = "デモデータを入れる"
SIM_DEMO_REFUSED = "データベースにすでにデータがあるため、デモデータは入れませんでした。"
SIM_INVITES = "使える招待コード"
SIM_INVITE_STAFF = "事務局"
SIM_INVITE_LEFT = "残り{left}回"
SIM_INVITES_NONE = "使える招待コードはありません。"
SIM_HINT = "各人のタブで「ヘルプ」と送ると、できることがボタンで出ます。"
SIM_HINT_INVITE = ("新しい人を登録するには、事務局のタブで「招待コード」と送ってコードを発行し、"
                   "「人を追加」で増やした人のタブでそのコードを送ってください。")
SIM_CHAT_HINT = "「ヘルプ」と送ると、できることがボタンで出ます。"
SIM_NEW_MESSAGES = "{count}件の新着"
SIM_STICKER = "（スタンプ）"


# Exports (CSV/Excel files staff open in a spreadsheet): the column headings, and the words for yes and no
EXPORT_YES = "はい"
EXPORT_NO = "いいえ"
EXPORT_LIST_SEP = "・"
CHECK_EXPORT_COLUMNS = {"organization": "団体", "member_id": "メンバー番号", "member": "氏名", "role": "担当",
                        "asked": "質問の送信回数", "first_status": "最初の回答", "first_answered_at": "最初の回答日時",
                        "status": "最新の回答", "answered_at": "最新の回答日時", "answers": "回答の回数",
                        "by_proxy": "代理入力", "late": "終了後の回答", "provisions": "提供できるもの",
                        "note": "伝えたいこと"}
KPI_EXPORT_COLUMNS = {"agreement": "協定", "kpi_id": "KPI番号", "kpi": "KPI", "unit": "単位", "target": "目標",
                      "organization": "報告団体", "period": "期間", "value": "値", "comment": "コメント",
                      "reported_by": "報告者", "reported_at": "報告日時", "replaced_at": "訂正された日時"}
KPI_EXPORT_SHEET = "KPI報告"
INTRO_EXPORT_COLUMNS = {"pair_id": "紹介番号", "round_id": "回", "introduced_at": "紹介日時",
                        "member_a_id": "メンバー1の番号", "member_a": "メンバー1", "organization_a": "団体1",
                        "fields_a": "分野1", "member_b_id": "メンバー2の番号", "member_b": "メンバー2",
                        "organization_b": "団体2", "fields_b": "分野2", "cross_field": "分野をまたぐ",
                        "score": "組み合わせの点数", "outcome_a": "メンバー1の回答", "outcome_b": "メンバー2の回答",
                        "tie": "つながり", "tie_at": "つながった日時", "line_ids_exchanged": "LINE IDの交換"}


# The audit log (操作記録): what each staff action is called, and where it was done
AUDIT_ACTIONS = {
    "console.link": "管理画面のログイン用リンクを発行",
    "console.sign_in": "管理画面にログイン",
    "console.sign_out": "管理画面からログアウト",
    "organization.create": "団体を登録",
    "invite.create": "招待コードを発行",
    "invite.revoke": "招待コードを取り消し",
    "member.staff_on": "事務局の権限を付与",
    "member.staff_off": "事務局の権限を解除",
    "member.role": "主担当・副担当を変更",
    "member.deactivate": "メンバーを退会に",
    "agreement.create": "協定を登録",
    "area.create": "地区を追加",
    "area.remove": "地区を削除",
    "notice.send": "お知らせを送信",
    "notice.schedule": "お知らせを予約",
    "notice.cancel": "予約したお知らせを取り消し",
    "notice.remind": "お知らせの再通知",
    "check.start": "安否確認を開始",
    "check.close": "安否確認を終了",
    "check.reask": "安否確認を再送",
    "check.proxy_answer": "安否を代理で回答",
    "check.export": "安否確認の結果を書き出し",
    "kpi.create": "KPIを設定",
    "kpi.archive": "KPIを終了",
    "meeting.cancel": "会議を中止",
    "intro.schedule": "メンバー紹介を設定",
    "handover.start": "引継ぎを開始",
    "handover.complete": "引継ぎが完了",
    "handover.undo": "引継ぎを取り消し",
    "audit.export": "操作記録を書き出し",
}
AUDIT_DOORS = {"line": "LINE", "console": "管理画面", "cli": "サーバーでの操作", "api": "外部システムとの連携", "system": "自動"}


# The web console (管理画面): staff ask for a sign-in link in LINE
CONSOLE_COMMAND = "管理画面"
CONSOLE_STAFF_ONLY = "管理画面は事務局のみ使えます。"
CONSOLE_LINK_TEXT = "管理画面のログイン用リンクです。{minutes}分以内に、一度だけ使えます。ほかの人には渡さないでください。"
CONSOLE_LINK_BUTTON = "管理画面を開く"
CONSOLE_LINK_ALT = "管理画面のログイン用リンク"
CONSOLE_NO_ADDRESS = ("管理画面のアドレスがまだ設定されていないため、リンクを送れません。"
                      "サーバーの管理者に公開アドレスの設定を依頼してください。")

# The web console: pages shared by all (sign-in, the frame, refusals)
CONSOLE_NAME = "Renkei 管理画面"
CONSOLE_NAV_HOME = "ホーム"
CONSOLE_NAV_MEMBERS = "団体とメンバー"
CONSOLE_NAV_INVITES = "招待コード"
CONSOLE_NAV_NOTICES = "お知らせ"
CONSOLE_NAV_CHECKS = "安否確認"
CONSOLE_NAV_AUDIT = "操作記録"
CONSOLE_SIGN_OUT = "ログアウト"
CONSOLE_SIGNED_IN_AS = "{name} さん（事務局）"
CONSOLE_MENU = "メニュー"
CONSOLE_SIGNIN_TITLE = "管理画面へのログイン"
CONSOLE_SIGNIN_HOW = ("管理画面を開くには、LINEでボットに「管理画面」と送ってください。"
                      "ログイン用のリンクが届きます（事務局の方のみ）。")
CONSOLE_SIGNIN_OPENING = "ログインしています…"
CONSOLE_SIGNIN_BUTTON = "ログインする"
CONSOLE_SIGNED_OUT = "ログアウトしました。"
CONSOLE_SESSION_ENDED = "ログインの有効期限が切れたか、事務局の権限がなくなりました。もう一度ログインしてください。"
CONSOLE_LINK_PROBLEMS = {
    "used": "このリンクはすでに使われています。",
    "expired": "このリンクは有効期限（発行から10分）が切れています。",
    "unknown": "このリンクは使えません。アドレスが途中で切れていないか確かめてください。",
    "not_staff": "このリンクの持ち主は、いま事務局ではないため、ログインできません。",
}
CONSOLE_LINK_AGAIN = "LINEでボットに「管理画面」ともう一度送って、新しいリンクを受け取ってください。"
CONSOLE_REFUSED_TITLE = "この操作はできませんでした"
CONSOLE_CSRF_REFUSED = "画面が古くなっているため、操作を受け付けませんでした。ページを読み込み直してから、もう一度お試しください。"
CONSOLE_NOT_SIGNED_IN = "ログインしていないため、操作を受け付けませんでした。もう一度ログインしてください。"
CONSOLE_BACK_HOME = "ホームへ戻る"
CONSOLE_TO_SIGNIN = "ログインの方法を見る"
CONSOLE_HOME_TITLE = "ホーム"
CONSOLE_HOME_WELCOME = "{name} さん、こんにちは。"
CONSOLE_LOCAL_BANNER = "ローカルモードで動いています。LINEには接続していません。"
CONSOLE_TO_SIMULATOR = "シミュレーターを開く"
CONSOLE_SIM_HINT = "管理画面（パソコンやスマホで見る事務局の画面）は、事務局のタブで「管理画面」と送ると届くボタンから開けます。"

# The web console: home (what needs attention today)
CONSOLE_HOME_CHECK = "実行中の安否確認"
CONSOLE_HOME_CHECK_LINE = "{kind}・{started}開始：{answered}／{asked}人が回答（被害・支援要請 {need}人）"
CONSOLE_HOME_DRILL = "訓練"
CONSOLE_HOME_REAL = "本番"
CONSOLE_HOME_OPEN_BOARD = "状況を見る"
CONSOLE_HOME_NOTICES = "確認待ちのお知らせ"
CONSOLE_HOME_NOTICE_LINE = "#{id}「{title}」（{sent}送信）：{acked}／{total}人が確認済み"
CONSOLE_HOME_NOTICES_NONE = "確認待ちのお知らせはありません。"
CONSOLE_HOME_KPIS = "報告が遅れているKPI"
CONSOLE_HOME_KPI_LINE = "{org}「{name}」{period}分（{asked}に依頼）"
CONSOLE_HOME_KPI_ESCALATED = "事務局へ連絡済み"
CONSOLE_HOME_KPIS_NONE = "遅れている報告はありません。"
CONSOLE_HOME_MEETINGS = "今週の会議と日程調整"
CONSOLE_HOME_MEETING_DECIDED = "{title}：{when}"
CONSOLE_HOME_MEETING_POLL = "{title}：日程調整中（締切 {deadline}）"
CONSOLE_HOME_MEETINGS_NONE = "今週の会議はありません。"
CONSOLE_HOME_REVIEWS = "見直しが近い協定（90日以内）"
CONSOLE_HOME_REVIEW_LINE = "{name}：{date}に見直し（あと{days}日）"
CONSOLE_HOME_REVIEWS_NONE = "90日以内に見直す協定はありません。"
CONSOLE_HOME_QUOTA = "今月のメッセージ数"
CONSOLE_HOME_QUOTA_LIMITED = "上限 {limit}通のうち {used}通を使用、残り {left}通"
CONSOLE_HOME_QUOTA_UNLIMITED = "{used}通を使用（上限なし）"
CONSOLE_HOME_QUOTA_UNKNOWN = "LINEから今月の送信数を取得できませんでした。"
CONSOLE_HOME_QUOTA_OWN = "そのうち、このボットからの送信：{own}通"
CONSOLE_HOME_QUOTA_REACHED = "今月の上限に達したため、急ぎでない送信は止めています。"
CONSOLE_HOME_NOTHING = "今日、急いで対応することはありません。"

# The web console: organizations and members
CONSOLE_MEMBERS_TITLE = "団体とメンバー"
CONSOLE_ORGS = "団体"
CONSOLE_ORGS_FLAGGED = "担当者の体制に注意が必要な団体が{count}団体あります。"
CONSOLE_ORG_NO_MEMBERS = "メンバーなし"
# Why an organization depends on one person (db/handovers.fragile_organizations, as in the weekly note);
# {days}: how long a contact has been away.
CONSOLE_ORG_FLAGS = {"single": "メンバーが1人だけ", "no_primary": "主担当なし", "no_deputy": "副担当なし",
                     "inactive": "{days}日以上LINEを離れた担当者あり"}
CONSOLE_ORG_NAME = "団体名"
CONSOLE_ORG_TYPE = "種別"
CONSOLE_ORG_MEMBERS = "メンバー数"
CONSOLE_ORG_ATTENTION = "注意"
CONSOLE_MEMBERS = "メンバー"
CONSOLE_MEMBERS_COUNT = "{count}人"
CONSOLE_MEMBERS_NONE = "条件に合うメンバーはいません。"
CONSOLE_FILTER_TEXT = "名前・団体名で検索"
CONSOLE_FILTER_TYPE = "種別"
CONSOLE_FILTER_FIELD = "分野"
CONSOLE_FILTER_AREA = "地区"
CONSOLE_FILTER_ROLE = "担当"
CONSOLE_FILTER_STATUS = "状態"
CONSOLE_FILTER_ANY = "すべて"
CONSOLE_FILTER_APPLY = "絞り込む"
CONSOLE_FILTER_CLEAR = "条件をクリア"
CONSOLE_ROLE_STAFF = "事務局"
CONSOLE_STATUS_LABELS = {"active": "参加中", "left": "退会", "inactive": "ブロック中"}
CONSOLE_MEMBER_NAME = "名前"
CONSOLE_MEMBER_ORG = "団体"
CONSOLE_MEMBER_FIELDS = "分野"
CONSOLE_MEMBER_AREAS = "地区"
CONSOLE_MEMBER_ROLE = "担当"
CONSOLE_MEMBER_STATUS = "状態"
CONSOLE_MEMBER_PHONE = "電話番号"
CONSOLE_MEMBER_PHONE_NOTE = "電話番号は事務局だけが見られます。"
CONSOLE_MEMBER_NEEDS = "困っていること"
CONSOLE_MEMBER_OFFERS = "提供できること"
CONSOLE_MEMBER_INTRO = "自己紹介"
CONSOLE_MEMBER_REGISTERED = "登録日"
CONSOLE_MEMBER_LINE_NAME = "LINEの表示名"
CONSOLE_MEMBER_BACK = "一覧へ戻る"
CONSOLE_MEMBER_ACTIONS = "事務局の操作"
CONSOLE_MEMBER_MAKE_STAFF = "事務局にする"
CONSOLE_MEMBER_REMOVE_STAFF = "事務局から外す"
CONSOLE_MEMBER_DEACTIVATE = "退会扱いにする"
CONSOLE_MEMBER_CONFIRM = {
    "staff_on": "{name} さんを事務局にしますか？ 管理画面と、LINEでの事務局の操作ができるようになります。",
    "staff_off": "{name} さんを事務局から外しますか？ 管理画面を開いている場合は、次の操作でログアウトされます。",
    "deactivate": "{name} さんを退会扱いにしますか？ これまでの記録は残りますが、今後は何も届かなくなります。"
                  "戻すには新しい招待コードが必要です。",
}
CONSOLE_CONFIRM_YES = "はい、実行します"
CONSOLE_CONFIRM_NO = "やめる"
CONSOLE_MEMBER_DONE = {"staff_on": "事務局にしました。", "staff_off": "事務局から外しました。",
                       "deactivate": "退会扱いにしました。"}
CONSOLE_MEMBER_REFUSED = {
    "last_staff": "事務局がいなくなるため、この操作はできません。先にほかの方を事務局にしてください。",
    "not_active": "退会したメンバーは事務局にできません。",
}

# The web console: a contact's handover (引継ぎ) on the member's page
CONSOLE_HANDOVER = "引継ぎ"
CONSOLE_HANDOVER_HOW = ("{role}を後任の方に引き継ぎます。待っている報告・会議・安否確認なども後任の方に移り、"
                        "後任の方には引継ぎ資料が、連携先の主担当には交代のお知らせが届きます。")
CONSOLE_HANDOVER_SUCCESSOR = "後任"
CONSOLE_HANDOVER_NEW_PERSON = "まだ登録していない人（招待コードを発行）"
CONSOLE_HANDOVER_NEXT = "確認へ進む"
CONSOLE_HANDOVER_NO_CANDIDATES = "同じ団体にほかのメンバーがいないため、招待コードで後任の方を招きます。"
CONSOLE_HANDOVER_CONFIRM = ("{before}さんの{role}（{org}）を{after}さんに引き継ぎますか？ 待っている報告・会議・"
                            "安否確認なども{after}さんに移ります。1日以内なら取り消せます。")
CONSOLE_HANDOVER_CONFIRM_INVITE = ("{before}さんの{role}（{org}）を、これから登録する方に引き継ぎますか？ "
                                   "引継ぎ用の招待コードを発行し、その方が登録したときに引き継ぎます。")
CONSOLE_HANDOVER_WAITING = "後任の方の登録待ちです。この招待コードで登録すると{role}の引継ぎが完了します（1回限り、{when}まで有効）。"
CONSOLE_HANDOVER_RECENT = "引継ぎの記録"
CONSOLE_HANDOVER_LINE = "{when}　{before}さん → {after}さん（{role}）"
CONSOLE_HANDOVER_SOMEONE = "登録待ちの後任"
CONSOLE_HANDOVER_STATES = {"waiting": "登録待ち", "done": "完了", "undone": "取り消し済み", "cancelled": "期限切れ・取り消し"}
CONSOLE_HANDOVER_CHOICES = {"stay": "前任の方はメンバーとして残ります", "leave": "前任の方は退会しました"}
CONSOLE_HANDOVER_UNDO = "取り消す"
CONSOLE_HANDOVER_UNDO_UNTIL = "{when}まで取り消せます"
CONSOLE_HANDOVER_UNDO_CONFIRM = ("{before}さんから{after}さんへの{role}の引継ぎを取り消しますか？ 担当と移したものは"
                                 "{before}さんに戻り、お二人と連携先の担当者に知らせます。")
CONSOLE_HANDOVER_DONE = {
    "handover": "引継ぎが完了しました。後任の方に引継ぎ資料を送り、前任の方に今後どうするかを尋ねました。",
    "handover_invite": "引継ぎ用の招待コードを発行しました。後任の方に渡してください。",
    "handover_undone": "引継ぎを取り消しました。関係する方に知らせました。",
}
CONSOLE_HANDOVER_REFUSED = {**HANDOVER_REFUSED, "busy": "同じ方の引継ぎが同時に始まりました。ページを読み込み直してください。"}
CONSOLE_HANDOVER_UNDO_REFUSED = {**HANDOVER_UNDO_REFUSED, "too-late": "引継ぎから1日を過ぎたため、取り消せません。"}

# The web console: invite codes
CONSOLE_INVITES_TITLE = "招待コード"
CONSOLE_INVITE_NEW = "新しい招待コード"
CONSOLE_INVITE_ORG = "団体"
CONSOLE_INVITE_KIND = "種類"
CONSOLE_INVITE_FOR_MEMBER = "メンバー用"
CONSOLE_INVITE_FOR_STAFF = "事務局用"
CONSOLE_INVITE_USES = "使える人数"
CONSOLE_INVITE_USED = "登録した人数"
CONSOLE_INVITE_DAYS = "有効日数"
CONSOLE_INVITE_CREATE = "発行する"
CONSOLE_INVITE_NO_ORGS = "まだ団体がありません。団体を登録してから招待コードを発行してください。"
CONSOLE_INVITE_CREATED = "招待コード {code} を発行しました。"
CONSOLE_INVITE_REVOKED = "招待コード {code} を取り消しました。"
CONSOLE_INVITE_ERRORS = {"values": "人数は1〜100人、有効日数は1〜90日で指定してください。",
                         "organization": "その団体は見つかりませんでした。"}
CONSOLE_INVITES_USABLE = "使える招待コード"
CONSOLE_INVITES_USABLE_NONE = "いま使える招待コードはありません。"
CONSOLE_INVITES_PAST = "使えなくなった招待コード"
CONSOLE_INVITE_LEFT = "あと{left}人（{max}人まで）"
CONSOLE_INVITE_UNTIL = "{when}まで"
CONSOLE_INVITE_CODE = "コード"
CONSOLE_INVITE_STATE = "状態"
CONSOLE_INVITE_PROBLEMS = {"revoked": "取り消し済み", "expired": "期限切れ", "used-up": "使い切り"}
CONSOLE_INVITE_REVOKE = "取り消す"
CONSOLE_INVITE_REVOKE_CONFIRM = "招待コード {code}（{org}）を取り消しますか？ 取り消すと、このコードではもう登録できません。"
CONSOLE_INVITE_HOW = ("QRコードをLINEで読み取るとボットを友だち追加できます。追加するとボットが招待コードを尋ねるので、"
                      "ここに表示されたコードを送ってもらってください。")
CONSOLE_INVITE_NO_QR = ("友だち追加用のQRコードは、設定が済むと表示されます。それまでは、LINEでボットを友だち追加して"
                        "もらい、このコードを送ってもらってください。")
CONSOLE_INVITE_LOCAL = ("ローカルモードでは、シミュレーターの「人を追加」で増やした人のタブで「友だち追加」を押し、"
                        "このコードを送ってください。")

# The web console: the audit log (操作記録)
CONSOLE_AUDIT_TITLE = "操作記録"
CONSOLE_AUDIT_NOTE = ("事務局の操作と担当者の引継ぎを、LINE・管理画面・サーバーでの操作・外部システムとの連携のどこからでも"
                      "記録しています。記録は変更も削除もできません。")
CONSOLE_AUDIT_WHO = "操作した人"
CONSOLE_AUDIT_ACTION = "操作"
CONSOLE_AUDIT_DOOR = "入口"
CONSOLE_AUDIT_SINCE = "開始日"
CONSOLE_AUDIT_UNTIL = "終了日"
CONSOLE_AUDIT_WHEN = "日時"
CONSOLE_AUDIT_TARGET = "対象"
CONSOLE_AUDIT_DETAILS = "詳細"
CONSOLE_AUDIT_ORIGIN = "接続元"
CONSOLE_AUDIT_ALL_OF = "{name}（すべて）"
CONSOLE_AUDIT_GROUPS = {"console": "管理画面", "organization": "団体", "invite": "招待コード", "member": "メンバー",
                        "agreement": "協定", "area": "地区", "notice": "お知らせ", "check": "安否確認",
                        "kpi": "KPI", "meeting": "会議", "intro": "メンバー紹介", "handover": "引継ぎ",
                        "audit": "操作記録"}
CONSOLE_AUDIT_COUNT = "{total}件"
CONSOLE_AUDIT_NONE = "条件に合う記録はありません。"
CONSOLE_AUDIT_EXPORT = "CSVで書き出す"
CONSOLE_AUDIT_PREV = "新しい記録へ"
CONSOLE_AUDIT_NEXT = "古い記録へ"
CONSOLE_AUDIT_PAGE = "{page}／{pages}ページ"
CONSOLE_AUDIT_YES = "はい"
CONSOLE_AUDIT_NO = "いいえ"
CONSOLE_AUDIT_DETAIL_KEYS = {"role": "担当", "staff": "事務局用", "uses": "人数", "days": "有効日数", "rows": "件数",
                             "who": "操作した人", "action": "操作", "door": "入口", "since": "開始日", "until": "終了日",
                             "segment": "対象者", "drill": "訓練", "recipients": "送信人数", "send_at": "送信予定",
                             "status": "回答", "title": "件名", "round": "回", "count": "件数",
                             "organizations": "団体数", "members": "該当メンバー", "check": "安否確認",
                             "every_days": "間隔（日）", "weekday": "曜日", "at": "時刻", "stopped": "停止",
                             "type": "種別", "handover": "引継ぎ番号", "successor": "後任のメンバー番号",
                             "successor_name": "後任", "invite": "招待コードで引継ぎ", "kpi_prompts": "移したKPI報告",
                             "meetings": "移した会議・日程調整", "intros": "移した紹介", "checks": "移した安否確認",
                             "moves": "元に戻したもの", "again": "再送した人数", "deputies": "副担当へ送った人数",
                             "late": "終了後の回答", "with_note": "メモあり"}
CONSOLE_AUDIT_CSV_HEADERS = ["日時", "操作した人", "入口", "操作", "対象", "詳細", "接続元"]


# Rich menus (the buttons at the bottom of the chat). Labels are drawn on the image; a label that is
# also a command sends that command.
MENU_BAR = "メニュー"
MENU_BAR_ALERT = "安否確認中"
MENU_TAB_STAFF = "事務局"
MENU_TAB_MEMBER = "メンバー"
MENU_TAB_MORE = "設定"
MENU_INVITE = "招待コードを入力"
MENU_KPI_REPORT = "KPI報告"
MENU_NOTICES = "お知らせ一覧"
MENU_INTROS = "メンバー紹介"
MENU_NOTICE_NEW = "お知らせ作成"
MENU_STATUS = "状況"
MENU_CONSOLE = "管理画面"
MENU_ANSWER = "安否を回答"
MENU_CHECK_CLOSE = "安否確認を終了"
MENU_HINT_INVITE_ENTER = "事務局から受け取ったコード"
MENU_HINT_GUEST_HELP = "登録のしかた"
MENU_HINT_KPI_REPORT = "数値を報告する"
MENU_HINT_MEETING = "会議の日程を決める"
MENU_HINT_NOTICES = "最近のお知らせ"
MENU_HINT_INTROS = "紹介された相手"
MENU_HINT_PROFILE = "登録内容の確認・変更"
MENU_HINT_HELP = "できることの一覧"
MENU_HINT_NOTICE_NEW = "送信先を選んで送る"
MENU_HINT_CHECK = "災害時の安否確認を始める"
MENU_HINT_STATUS = "お知らせの確認状況"
MENU_HINT_KPI = "目標と実績"
MENU_HINT_CONSOLE = "ブラウザで開く"
MENU_HINT_INVITE = "新しい人の招待コード"
MENU_HINT_AGREEMENT = "協定を登録する"
MENU_HINT_KPI_SETUP = "KPIを設定する"
MENU_HINT_AREAS = "地区を追加・削除"
MENU_HINT_INTRO_SETTINGS = "紹介の間隔など"
MENU_HINT_NETWORK = "できたつながりの数"
MENU_HINT_ANSWER = "押して、いまの状況を知らせてください"
MENU_HINT_CHECK_STATUS = "安否の回答状況"
MENU_HINT_PROXY = "電話で聞いた回答を記録"
MENU_HINT_CHECK_CLOSE = "回答の受付を終える"
MENU_NO_CHECK = "いま回答をお願いしている安否確認はありません。"
# Commands the menus send, typed or tapped.
KPI_REPORT = "KPI報告"
NOTICE_LIST = "お知らせ一覧"
INTRO_LIST = "メンバー紹介"
KPI_REPORT_NONE = "いま報告をお願いしているKPIはありません。報告の時期が来たら、こちらからお知らせします。"
NOTICE_LIST_HEADER = "【最近のお知らせ】"
NOTICE_LIST_LINE = "{when}　{text}{ack}"
NOTICE_LIST_ACKED = "（確認済み）"
NOTICE_LIST_OPEN = "（未確認）"
NOTICE_LIST_NONE = "まだお知らせは届いていません。"
INTRO_LIST_HEADER = "【これまでに紹介された方】"
INTRO_LIST_NONE = "まだ紹介はありません。紹介の時期が来たら、こちらからお知らせします。"
SIM_IMAGE_BYTES = "（画像 {size:,} バイト）"
SIM_MENU_NONE = "リッチメニューはまだありません。"
