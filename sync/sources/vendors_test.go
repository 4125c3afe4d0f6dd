package sources

// The parser reads each kind's keys through the registry; the tests parse
// the kinds this build registers.
import _ "wattfolio/sync/vendors"
