package web

// The pages show the vendors this build registers (labels, sections).
import _ "wattfolio/sync/vendors"
