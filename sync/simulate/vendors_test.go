package simulate

// The generated sources file is parsed with the kinds this build registers.
import _ "wattfolio/sync/vendors"
