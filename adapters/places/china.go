package places

import (
	"strings"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
)

// provinces are China's provinces and autonomous regions, short name and
// full name, one a line; the four municipalities are cities of their own
// (chinaCities).
const provinces = `
河北 河北省
山西 山西省
辽宁 辽宁省
吉林 吉林省
黑龙江 黑龙江省
江苏 江苏省
浙江 浙江省
安徽 安徽省
福建 福建省
江西 江西省
山东 山东省
河南 河南省
湖北 湖北省
湖南 湖南省
广东 广东省
海南 海南省
四川 四川省
贵州 贵州省
云南 云南省
陕西 陕西省
甘肃 甘肃省
青海 青海省
内蒙古 内蒙古自治区
广西 广西壮族自治区
西藏 西藏自治区
宁夏 宁夏回族自治区
新疆 新疆维吾尔自治区
`

// chinaCities are the prefecture-level cities of the mainland, the
// municipalities, and the county-level cities whose names carriers'
// depots carry (义乌, 昆山), without 市; a depot named "深圳福田集散中心"
// is in one of them. One province a line.
const chinaCities = `
北京 上海 天津 重庆
石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水
太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布
沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛
长春 吉林 四平 辽源 通化 白山 松原 白城 延吉
哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化
南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 常熟 张家港 宜兴 太仓
杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌 慈溪 余姚 乐清 瑞安 温岭 诸暨 海宁 桐乡
合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 晋江 石狮 福清
南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源
武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 仙桃 潜江 天门 恩施
长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 吉首
广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海口 三亚 三沙 儋州
成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 西昌
贵阳 六盘水 遵义 安顺 毕节 铜仁 凯里 都匀
昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 大理 景洪 蒙自 楚雄
拉萨 日喀则 昌都 林芝 山南 那曲
西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南
西宁 海东 格尔木
银川 石嘴山 吴忠 固原 中卫
乌鲁木齐 克拉玛依 吐鲁番 哈密 喀什 库尔勒 伊宁 石河子 阿克苏
`

// taiwanCities are Taiwan's special municipalities and cities.
const taiwanCities = `台北 新北 桃园 台中 台南 高雄 基隆 新竹 嘉义`

func fields(s string) []string { return strings.Fields(s) }

var (
	provinceByName = func() map[string]string {
		m := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(provinces), "\n") {
			short, full, _ := strings.Cut(line, " ")
			m[short], m[full] = full, full
		}
		return m
	}()
	cityNames   = set(fields(chinaCities))
	taiwanNames = set(fields(taiwanCities))
)

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// notAfterACity are characters that make a city's name the start of a
// district's or county's (朝阳区 is in Beijing, not 朝阳市 in Liaoning).
const notAfterACity = "区县旗镇乡路街道"

// streetMarks are characters of addresses finer than a city: roads,
// house numbers, buildings, rooms, villages, and digits.
const streetMarks = "路街道号號弄巷栋幢楼樓室村组組0123456789０１２３４５６７８９"

// depotMarks are words of depots, stations and districts: a name with
// one is not a city, though a city may start it.
var depotMarks = []string{"区", "县", "镇", "乡", "营业", "中心", "中转", "集散", "网点", "点", "站", "部", "场", "仓", "公司", "店", "柜"}

// maxPlaceRunes bounds a city's name without 市: anything longer is more
// than a city.
const maxPlaceRunes = 8

// chinese reads a Chinese place: "深圳市", "广东省深圳市南山区",
// "北京海淀七街营业点", "深圳福田集散中心", "香港". The city comes from a
// known city at the start (after the province), or from the name before
// 市; a depot, district or street is never taken for one.
func chinese(s string) *adapters.Location {
	s = strings.Trim(s, " 【】[]()（）")
	loc := &adapters.Location{Country: "CN"}
	for _, p := range []struct{ prefix, country, city string }{
		{"中国香港", "HK", "香港"}, {"香港", "HK", "香港"}, {"中国澳门", "MO", "澳门"}, {"澳门", "MO", "澳门"}, {"澳門", "MO", "澳門"},
		{"中国台湾", "TW", ""}, {"台湾", "TW", ""}, {"臺灣", "TW", ""}, {"中国", "CN", ""},
	} {
		if rest, ok := strings.CutPrefix(s, p.prefix); ok {
			loc.Country, loc.City, s = p.country, p.city, strings.TrimLeft(rest, "省")
			break
		}
	}
	if loc.City != "" {
		return loc
	}
	cities := cityNames
	if loc.Country == "TW" {
		cities = taiwanNames
	} else {
		loc.Region, s = cutProvince(s)
	}
	if name, ok := knownCity(s, cities); ok {
		loc.City = name + "市"
	} else {
		if i := strings.Index(s, "市"); i > 0 && utf8.RuneCountInString(s[:i]) <= maxPlaceRunes {
			loc.City = s[:i+len("市")]
		} else if n := utf8.RuneCountInString(s); n > 0 && n <= maxPlaceRunes {
			loc.City = s
		}
		if strings.ContainsAny(loc.City, streetMarks) || hasAny(strings.TrimSuffix(loc.City, "市"), depotMarks) {
			loc.City = ""
		}
	}
	if loc.City == "" && loc.Region == "" && loc.Country == "CN" {
		return nil
	}
	return loc
}

// cutProvince takes a province off the front of s: by its full name, or
// its short name when 市 does not follow it (吉林市 is a city).
func cutProvince(s string) (province, rest string) {
	for _, n := range []int{8, 7, 6, 5, 4, 3, 2} {
		prefix := firstRunes(s, n)
		full, ok := provinceByName[prefix]
		if !ok {
			continue
		}
		rest := s[len(prefix):]
		if prefix != full && strings.HasPrefix(rest, "市") {
			continue
		}
		return full, strings.TrimPrefix(rest, "省")
	}
	return "", s
}

// knownCity finds one of cities at the start of s, longest first, unless
// what follows it makes it a district's name.
func knownCity(s string, cities map[string]bool) (string, bool) {
	for _, n := range []int{4, 3, 2} {
		prefix := firstRunes(s, n)
		if utf8.RuneCountInString(prefix) != n || !cities[prefix] {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(s[len(prefix):]); strings.ContainsRune(notAfterACity, next) {
			continue
		}
		return prefix, true
	}
	return "", false
}

func firstRunes(s string, n int) string {
	i := 0
	for range n {
		if i >= len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
