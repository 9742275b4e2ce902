package places

import (
	"strings"
	"sync"
	"time"
	// The zones are read from the binary, so that a host without a zone
	// database reads them the same.
	_ "time/tzdata"

	"github.com/trackgate/trackgate/adapters"
)

// countryZones are the zones of countries that keep one time: those with
// one zone in tzdata's zone.tab, or whose zones all keep the same offsets
// (Argentina's, Germany's), the first zone.tab lists; one a line, the
// code first.
const countryZones = `
AD Europe/Andorra
AE Asia/Dubai
AF Asia/Kabul
AG America/Antigua
AI America/Anguilla
AL Europe/Tirane
AM Asia/Yerevan
AO Africa/Luanda
AR America/Argentina/Buenos_Aires
AS Pacific/Pago_Pago
AT Europe/Vienna
AW America/Aruba
AX Europe/Mariehamn
AZ Asia/Baku
BA Europe/Sarajevo
BB America/Barbados
BD Asia/Dhaka
BE Europe/Brussels
BF Africa/Ouagadougou
BG Europe/Sofia
BH Asia/Bahrain
BI Africa/Bujumbura
BJ Africa/Porto-Novo
BL America/St_Barthelemy
BM Atlantic/Bermuda
BN Asia/Brunei
BO America/La_Paz
BQ America/Kralendijk
BS America/Nassau
BT Asia/Thimphu
BW Africa/Gaborone
BY Europe/Minsk
BZ America/Belize
CC Indian/Cocos
CF Africa/Bangui
CG Africa/Brazzaville
CH Europe/Zurich
CI Africa/Abidjan
CK Pacific/Rarotonga
CM Africa/Douala
CO America/Bogota
CR America/Costa_Rica
CU America/Havana
CV Atlantic/Cape_Verde
CW America/Curacao
CX Indian/Christmas
CY Asia/Nicosia
CZ Europe/Prague
DE Europe/Berlin
DJ Africa/Djibouti
DK Europe/Copenhagen
DM America/Dominica
DO America/Santo_Domingo
DZ Africa/Algiers
EE Europe/Tallinn
EG Africa/Cairo
EH Africa/El_Aaiun
ER Africa/Asmara
ET Africa/Addis_Ababa
FI Europe/Helsinki
FJ Pacific/Fiji
FK Atlantic/Stanley
FO Atlantic/Faroe
FR Europe/Paris
GA Africa/Libreville
GB Europe/London
GD America/Grenada
GE Asia/Tbilisi
GF America/Cayenne
GG Europe/Guernsey
GH Africa/Accra
GI Europe/Gibraltar
GM Africa/Banjul
GN Africa/Conakry
GP America/Guadeloupe
GQ Africa/Malabo
GR Europe/Athens
GS Atlantic/South_Georgia
GT America/Guatemala
GU Pacific/Guam
GW Africa/Bissau
GY America/Guyana
HK Asia/Hong_Kong
HN America/Tegucigalpa
HR Europe/Zagreb
HT America/Port-au-Prince
HU Europe/Budapest
IE Europe/Dublin
IL Asia/Jerusalem
IM Europe/Isle_of_Man
IN Asia/Kolkata
IO Indian/Chagos
IQ Asia/Baghdad
IR Asia/Tehran
IS Atlantic/Reykjavik
IT Europe/Rome
JE Europe/Jersey
JM America/Jamaica
JO Asia/Amman
JP Asia/Tokyo
KE Africa/Nairobi
KG Asia/Bishkek
KH Asia/Phnom_Penh
KM Indian/Comoro
KN America/St_Kitts
KP Asia/Pyongyang
KR Asia/Seoul
KW Asia/Kuwait
KY America/Cayman
KZ Asia/Almaty
LA Asia/Vientiane
LB Asia/Beirut
LC America/St_Lucia
LI Europe/Vaduz
LK Asia/Colombo
LR Africa/Monrovia
LS Africa/Maseru
LT Europe/Vilnius
LU Europe/Luxembourg
LV Europe/Riga
LY Africa/Tripoli
MA Africa/Casablanca
MC Europe/Monaco
MD Europe/Chisinau
ME Europe/Podgorica
MF America/Marigot
MG Indian/Antananarivo
MH Pacific/Majuro
MK Europe/Skopje
ML Africa/Bamako
MM Asia/Yangon
MO Asia/Macau
MP Pacific/Saipan
MQ America/Martinique
MR Africa/Nouakchott
MS America/Montserrat
MT Europe/Malta
MU Indian/Mauritius
MV Indian/Maldives
MW Africa/Blantyre
MY Asia/Kuala_Lumpur
MZ Africa/Maputo
NA Africa/Windhoek
NC Pacific/Noumea
NE Africa/Niamey
NF Pacific/Norfolk
NG Africa/Lagos
NI America/Managua
NL Europe/Amsterdam
NO Europe/Oslo
NP Asia/Kathmandu
NR Pacific/Nauru
NU Pacific/Niue
OM Asia/Muscat
PA America/Panama
PE America/Lima
PH Asia/Manila
PK Asia/Karachi
PL Europe/Warsaw
PM America/Miquelon
PN Pacific/Pitcairn
PR America/Puerto_Rico
PS Asia/Gaza
PW Pacific/Palau
PY America/Asuncion
QA Asia/Qatar
RE Indian/Reunion
RO Europe/Bucharest
RS Europe/Belgrade
RW Africa/Kigali
SA Asia/Riyadh
SB Pacific/Guadalcanal
SC Indian/Mahe
SD Africa/Khartoum
SE Europe/Stockholm
SG Asia/Singapore
SH Atlantic/St_Helena
SI Europe/Ljubljana
SJ Arctic/Longyearbyen
SK Europe/Bratislava
SL Africa/Freetown
SM Europe/San_Marino
SN Africa/Dakar
SO Africa/Mogadishu
SR America/Paramaribo
SS Africa/Juba
ST Africa/Sao_Tome
SV America/El_Salvador
SX America/Lower_Princes
SY Asia/Damascus
SZ Africa/Mbabane
TC America/Grand_Turk
TD Africa/Ndjamena
TF Indian/Kerguelen
TG Africa/Lome
TH Asia/Bangkok
TJ Asia/Dushanbe
TK Pacific/Fakaofo
TL Asia/Dili
TM Asia/Ashgabat
TN Africa/Tunis
TO Pacific/Tongatapu
TR Europe/Istanbul
TT America/Port_of_Spain
TV Pacific/Funafuti
TW Asia/Taipei
TZ Africa/Dar_es_Salaam
UG Africa/Kampala
UY America/Montevideo
UZ Asia/Samarkand
VA Europe/Vatican
VC America/St_Vincent
VE America/Caracas
VG America/Tortola
VI America/St_Thomas
VN Asia/Ho_Chi_Minh
VU Pacific/Efate
WF Pacific/Wallis
WS Pacific/Apia
YE Asia/Aden
YT Indian/Mayotte
ZA Africa/Johannesburg
ZM Africa/Lusaka
ZW Africa/Harare
`

// principalZones are the zones of countries with several whose people
// live almost all in one: the time of a place in them whose region is
// not known. Mainland China keeps Beijing time everywhere, Xinjiang's
// unofficial time aside.
var principalZones = map[string]string{
	"CN": "Asia/Shanghai", "CL": "America/Santiago", "EC": "America/Guayaquil", "ES": "Europe/Madrid",
	"GL": "America/Nuuk", "MN": "Asia/Ulaanbaatar", "NZ": "Pacific/Auckland", "PF": "Pacific/Tahiti",
	"PG": "Pacific/Port_Moresby", "PT": "Europe/Lisbon", "UA": "Europe/Kyiv",
}

// regionZones are the zones of the states and provinces of countries
// that span several, by the codes carriers give (USPS, Canada Post,
// Australia Post, Brazil's and Mexico's ISO 3166-2). A region split
// between zones has the zone of most of its people: Texas is Central
// though El Paso is Mountain, Florida Eastern though its panhandle is
// Central, Idaho Mountain though its north is Pacific.
var regionZones = map[string]map[string]string{
	"US": {
		"AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
		"CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
		"DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
		"ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
		"KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
		"MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
		"MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
		"NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
		"NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
		"OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
		"SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
		"UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
		"WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
		"PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam", "AS": "Pacific/Pago_Pago",
		"MP": "Pacific/Saipan",
	},
	"CA": {
		"BC": "America/Vancouver", "AB": "America/Edmonton", "SK": "America/Regina", "MB": "America/Winnipeg",
		"ON": "America/Toronto", "QC": "America/Toronto", "PQ": "America/Toronto", "NB": "America/Moncton",
		"NS": "America/Halifax", "PE": "America/Halifax", "NL": "America/St_Johns", "NF": "America/St_Johns",
		"YT": "America/Whitehorse", "NT": "America/Edmonton", "NU": "America/Iqaluit",
	},
	"AU": {
		"NSW": "Australia/Sydney", "ACT": "Australia/Sydney", "VIC": "Australia/Melbourne", "QLD": "Australia/Brisbane",
		"SA": "Australia/Adelaide", "WA": "Australia/Perth", "TAS": "Australia/Hobart", "NT": "Australia/Darwin",
	},
	"BR": {
		"AC": "America/Rio_Branco", "AL": "America/Maceio", "AP": "America/Belem", "AM": "America/Manaus",
		"BA": "America/Bahia", "CE": "America/Fortaleza", "DF": "America/Sao_Paulo", "ES": "America/Sao_Paulo",
		"GO": "America/Sao_Paulo", "MA": "America/Fortaleza", "MT": "America/Cuiaba", "MS": "America/Campo_Grande",
		"MG": "America/Sao_Paulo", "PA": "America/Belem", "PB": "America/Fortaleza", "PR": "America/Sao_Paulo",
		"PE": "America/Recife", "PI": "America/Fortaleza", "RJ": "America/Sao_Paulo", "RN": "America/Fortaleza",
		"RS": "America/Sao_Paulo", "RO": "America/Porto_Velho", "RR": "America/Boa_Vista", "SC": "America/Sao_Paulo",
		"SP": "America/Sao_Paulo", "SE": "America/Maceio", "TO": "America/Araguaina",
	},
	"MX": {
		"AGU": "America/Mexico_City", "BCN": "America/Tijuana", "BCS": "America/Mazatlan", "CAM": "America/Merida",
		"CHP": "America/Mexico_City", "CHH": "America/Chihuahua", "CMX": "America/Mexico_City", "DIF": "America/Mexico_City",
		"COA": "America/Monterrey", "COL": "America/Mexico_City", "DUR": "America/Monterrey", "GUA": "America/Mexico_City",
		"GRO": "America/Mexico_City", "HID": "America/Mexico_City", "JAL": "America/Mexico_City", "MEX": "America/Mexico_City",
		"MIC": "America/Mexico_City", "MOR": "America/Mexico_City", "NAY": "America/Mazatlan", "NLE": "America/Monterrey",
		"OAX": "America/Mexico_City", "PUE": "America/Mexico_City", "QUE": "America/Mexico_City", "ROO": "America/Cancun",
		"SLP": "America/Mexico_City", "SIN": "America/Mazatlan", "SON": "America/Hermosillo", "TAB": "America/Mexico_City",
		"TAM": "America/Monterrey", "TLA": "America/Mexico_City", "VER": "America/Mexico_City", "YUC": "America/Merida",
		"ZAC": "America/Mexico_City",
	},
}

// cityZones are the zones of cities carriers name without a region, in
// countries that span several zones: the gateways and hubs of big
// carriers, and the cities most parcels go to.
var cityZones = map[string]map[string]string{
	"US": {
		"NEW YORK": "America/New_York", "NEW YORK CITY": "America/New_York", "JFK": "America/New_York",
		"NEWARK": "America/New_York", "PHILADELPHIA": "America/New_York", "BOSTON": "America/New_York",
		"WASHINGTON": "America/New_York", "ATLANTA": "America/New_York", "MIAMI": "America/New_York",
		"CINCINNATI": "America/New_York", "CINCINNATI HUB": "America/New_York", "LOUISVILLE": "America/Kentucky/Louisville",
		"CHICAGO": "America/Chicago", "MEMPHIS": "America/Chicago", "DALLAS": "America/Chicago", "HOUSTON": "America/Chicago",
		"DENVER": "America/Denver", "PHOENIX": "America/Phoenix", "SALT LAKE CITY": "America/Denver",
		"LOS ANGELES": "America/Los_Angeles", "SAN FRANCISCO": "America/Los_Angeles", "SEATTLE": "America/Los_Angeles",
		"LAS VEGAS": "America/Los_Angeles", "PORTLAND": "America/Los_Angeles", "ANCHORAGE": "America/Anchorage",
		"HONOLULU": "Pacific/Honolulu",
	},
	"CA": {
		"TORONTO": "America/Toronto", "MONTREAL": "America/Toronto", "OTTAWA": "America/Toronto",
		"VANCOUVER": "America/Vancouver", "CALGARY": "America/Edmonton", "EDMONTON": "America/Edmonton",
		"WINNIPEG": "America/Winnipeg", "HALIFAX": "America/Halifax",
	},
	"AU": {
		"SYDNEY": "Australia/Sydney", "MELBOURNE": "Australia/Melbourne", "BRISBANE": "Australia/Brisbane",
		"PERTH": "Australia/Perth", "ADELAIDE": "Australia/Adelaide", "CANBERRA": "Australia/Sydney",
		"HOBART": "Australia/Hobart", "DARWIN": "Australia/Darwin",
	},
	"BR": {
		"SAO PAULO": "America/Sao_Paulo", "RIO DE JANEIRO": "America/Sao_Paulo", "CAMPINAS": "America/Sao_Paulo",
		"CURITIBA": "America/Sao_Paulo", "BRASILIA": "America/Sao_Paulo", "MANAUS": "America/Manaus",
	},
	"MX": {
		"MEXICO CITY": "America/Mexico_City", "CIUDAD DE MEXICO": "America/Mexico_City", "GUADALAJARA": "America/Mexico_City",
		"MONTERREY": "America/Monterrey", "TIJUANA": "America/Tijuana", "CANCUN": "America/Cancun",
	},
	"RU": {
		"MOSCOW": "Europe/Moscow", "SAINT PETERSBURG": "Europe/Moscow", "ST PETERSBURG": "Europe/Moscow",
		"KAZAN": "Europe/Moscow", "NIZHNY NOVGOROD": "Europe/Moscow", "KALININGRAD": "Europe/Kaliningrad",
		"SAMARA": "Europe/Samara", "YEKATERINBURG": "Asia/Yekaterinburg", "EKATERINBURG": "Asia/Yekaterinburg",
		"NOVOSIBIRSK": "Asia/Novosibirsk", "OMSK": "Asia/Omsk", "KRASNOYARSK": "Asia/Krasnoyarsk",
		"IRKUTSK": "Asia/Irkutsk", "KHABAROVSK": "Asia/Vladivostok", "VLADIVOSTOK": "Asia/Vladivostok",
	},
	"ID": {
		"JAKARTA": "Asia/Jakarta", "SURABAYA": "Asia/Jakarta", "BANDUNG": "Asia/Jakarta", "MEDAN": "Asia/Jakarta",
		"SEMARANG": "Asia/Jakarta", "DENPASAR": "Asia/Makassar", "BALI": "Asia/Makassar", "MAKASSAR": "Asia/Makassar",
		"JAYAPURA": "Asia/Jayapura",
	},
	"ES": {"LAS PALMAS": "Atlantic/Canary", "LAS PALMAS DE GRAN CANARIA": "Atlantic/Canary", "SANTA CRUZ DE TENERIFE": "Atlantic/Canary"},
	"PT": {"FUNCHAL": "Atlantic/Madeira", "PONTA DELGADA": "Atlantic/Azores"},
}

var singleZones = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(countryZones), "\n") {
		code, zone, _ := strings.Cut(line, " ")
		m[code] = zone
	}
	for code, zone := range principalZones {
		m[code] = zone
	}
	return m
}()

// ZoneName returns the tz database name of the zone a place keeps, and
// false when its country spans zones that the place's region and city
// do not choose between (or no country is known): looked up by region
// first (regionZones), then by city (cityZones), then by country
// (countryZones, principalZones).
func ZoneName(l *adapters.Location) (string, bool) {
	if l == nil || l.Country == "" {
		return "", false
	}
	country := strings.ToUpper(l.Country)
	if z, ok := regionZones[country][strings.ToUpper(strings.TrimSpace(l.Region))]; ok {
		return z, true
	}
	if z, ok := cityZones[country][normalName(l.City)]; ok {
		return z, true
	}
	z, ok := singleZones[country]
	return z, ok
}

// zones caches the zones loaded: a few dozen at most in practice.
var zones sync.Map // name → *time.Location

// Zone returns the time zone of a place, for carriers that give local
// times without an offset; false as for ZoneName. A carrier that gets
// false should say in its documentation what it does instead.
func Zone(l *adapters.Location) (*time.Location, bool) {
	name, ok := ZoneName(l)
	if !ok {
		return nil, false
	}
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location), true
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, false // cannot happen with the embedded database; tested
	}
	zones.Store(name, z)
	return z, true
}
