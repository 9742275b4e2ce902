package scrub

import "strings"

// surnames are common Chinese family names. Without a colon after its
// label ("快递员李四", not "快递员：李四"), and always before a verb
// ("李四签收"), a name is only taken when it starts with one, so
// "收件人不在" or "快递员正在派件" stay as they are.
//
// The first hundred (王 … 汤, counting 付/傅 and 闫/阎 once) are the most
// common family names, roughly in the order of the Ministry of Public
// Security's statistics of household registers (公安部户政管理研究中心, 《全国姓名报告》, whose top
// ten are 王 李 张 刘 陈 杨 黄 赵 吴 周); the rest are less common names
// from the same statistics and from 《百家姓》.
var surnames = setOf([]rune(
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟" +
		"谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊" +
		"葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆" +
		"蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿" +
		"桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗" +
		"燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来" +
		"扈晁芮都普阙浦戈伏鹿薄邸雍辜羊母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利呼居揭干但尉冶斯" +
		"元束檀衣信展阴昝智幸奉植衡富尧闭由"))

// compoundSurnames are family names of two characters: the 复姓 of
// 《百家姓》 still in use.
var compoundSurnames = strings.Fields("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 轩辕 西门 南宫 " +
	"呼延 钟离 申屠 淳于 澹台 宗政 濮阳 百里 东郭 闻人 拓跋")

// notNames begin words that follow name labels, or come before 签收 and
// 代收, in remarks and start with a surname: "收件人申请退回",
// "快递员安排派送", "马上签收", "周一代收", "于今日签收".
var notNames = strings.Fields(`方便 安排 安全 安装 申请 原因 原件 成功 时间 明天 明日 向您 来电 全部 平台 应该 应当 国内 国际 信息
	门口 公司 由于 和您 高兴 海关 白天 任何 任务 常规 文件 万一 关于 关注 及时 都已 元旦 利用 展示 花费 强制 初次 相关
	计划 支付 位置 区域 满意 商家 云仓 容易 华南 华北 华东 华中 江苏 江西 安徽 云南 吉林 甘肃 宁夏 海南 武汉 南京 成都
	郑州 苏州 温州 宁波 杭州 包头 石家庄 金华 余杭 黄冈 黄石 周口 徐州 常州 唐山 秦皇岛 邵阳 岳阳 万州 上门
	东方航空 东方物流 东方明珠 马上 周一 周二 周三 周四 周五 周六 周日 周天 周末 周内 平安 商品 国庆 明早 明晚 明后
	于今 于明 于昨 于次 于当 于本 于上 于下 于中 于晚 于早 于周 于节`)

func setOf(runes []rune) map[rune]bool {
	set := make(map[rune]bool, len(runes))
	for _, r := range runes {
		set[r] = true
	}
	return set
}

// startsLikeName reports whether a run of Chinese characters begins with
// a family name, or with 小, 老 or 阿 used as one ("小王", "老李", "阿明").
func startsLikeName(name string) bool {
	for _, c := range compoundSurnames {
		if strings.HasPrefix(name, c) {
			return true
		}
	}
	runes := []rune(name)
	switch {
	case surnames[runes[0]]:
		return true
	case runes[0] == '阿':
		return len(runes) > 1
	case runes[0] == '小' || runes[0] == '老':
		return len(runes) > 1 && surnames[runes[1]]
	}
	return false
}
