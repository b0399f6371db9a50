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
