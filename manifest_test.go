package lambdaapps

import (
	"os"
	"strings"
	"testing"
)

func TestManifest(t *testing.T) {
	if PluginID != "lambda-apps" {
		t.Fatalf("PluginID = %q; the plugin must not be com.mattermost.apps (servers force it off)", PluginID)
	}
	data, err := os.ReadFile("plugin.json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"version": "`+Version+`"`) {
		t.Fatalf("Version %q is not plugin.json's", Version)
	}
	if PluginPath() != "/plugins/lambda-apps" || MinServerVersion == "" {
		t.Fatalf("PluginPath %q, MinServerVersion %q", PluginPath(), MinServerVersion)
	}
}
