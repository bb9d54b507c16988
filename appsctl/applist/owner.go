package applist

import (
	"fmt"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// AppVersionOf returns the app version of a manifest, with the names of
// its Lambda functions.
func AppVersionOf(m *apps.Manifest) awsnames.AppVersion {
	app := awsnames.AppVersion{AppID: string(m.AppID), Version: string(m.Version)}
	if m.AWSLambda != nil {
		for _, fn := range m.AWSLambda.Functions {
			app.Functions = append(app.Functions, fn.Name)
		}
	}
	return app
}

// descriptionPrefix starts the description of every Lambda function
// `appsctl aws deploy` creates.
const descriptionPrefix = "Mattermost app "

// FunctionDescription is the description deploy gives a Lambda function,
// "Mattermost app {appID} {version}, function {function}": it says whose
// function it is even when the app version's manifest is not in the bucket
// (a deploy that stopped before its last step).
func FunctionDescription(appID, version, function string) string {
	return fmt.Sprintf("%s%s %s, function %s", descriptionPrefix, appID, version, function)
}

// ParseFunctionDescription returns the app version and function named by
// a description that FunctionDescription made. App IDs and versions hold
// neither spaces nor commas, so the description splits unambiguously.
func ParseFunctionDescription(s string) (awsnames.User, bool) {
	rest, ok := strings.CutPrefix(s, descriptionPrefix)
	if !ok {
		return awsnames.User{}, false
	}
	ids, function, ok := strings.Cut(rest, ", function ")
	if !ok || function == "" {
		return awsnames.User{}, false
	}
	appID, version, ok := strings.Cut(ids, " ")
	if !ok || appID == "" || strings.ContainsAny(appID+version, " ,") {
		return awsnames.User{}, false
	}
	return awsnames.User{AppID: appID, Version: version, Function: function}, true
}
