"""The partnership's vocabulary, stored as these words: fields of activity and kinds of resource."""

FIELDS = ["防災", "福祉", "健康", "子育て", "教育", "環境", "観光", "まちづくり", "就労支援", "地域経済", "DX", "文化・スポーツ"]
RESOURCE_CATEGORIES = ["人手", "会場", "資金", "広報", "専門知識", "物資", "輸送", "情報", "連携先"]
