package config

// DefaultPort is the port when PORT is unset.
const DefaultPort = 8080

// A commented-out default must not count: const DefaultPort = 9999
/* neither in a block comment: port := 7777 */

func Port(getenv func(string) string) string {
	if p := getenv("PORT"); p != "" {
		return p
	}
	return "http://example.com:80//not-a-comment"
}
