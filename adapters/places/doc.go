// Package places reads where a tracking event happened from what
// carriers send — "LOS ANGELES, CA - USA", "Henderson, NV, US",
// "SHENZHEN - CHINA MAINLAND", "广东省深圳市", "深圳福田集散中心" — into
// a tg1 location (city, region, ISO 3166-1 alpha-2 country) that is never
// finer than a city, and tells the time zone of such a place for carriers
// that send local times without an offset.
//
// Parse reads a locality string, Fields a place given in parts, Country
// a country's code or name. Chinese places are read by their province and
// a table of the mainland's cities, so that a depot's name gives its city
// or nothing, never a district or a street.
//
// Zone is the time zone of a place, looked up in this order:
//
//  1. the region, for countries that span zones (the United States,
//     Canada, Australia, Brazil, Mexico): a table of their states'
//     zones, a split state taking the zone of most of its people;
//  2. the city, for the hubs and big cities of those countries and of
//     Russia and Indonesia, which carriers name without a region;
//  3. the country, for the countries that keep one time (one zone in
//     tzdata's zone.tab, or zones that all keep the same offsets), and
//     for a few that span zones with almost all their people in one
//     (China, Spain, Portugal, New Zealand, …).
//
// A place in a country that spans zones, whose region and city choose
// none, has no zone (false), nor has a place without a country: the
// caller decides, and says in its documentation what it does. The zones
// come from the zone database embedded in the binary (time/tzdata), so
// that every host reads local times alike.
//
// The package imports nothing of trackgate but adapters.
package places
