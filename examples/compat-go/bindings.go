package main

import (
	"context"

	"github.com/mattermost/mattermost-plugin-apps/apps"
)

// commandTrigger is the app's slash command.
const commandTrigger = "compat-go"

// The expansions the calls ask for. The bot's token comes with every call
// of an act_as_bot app; the acting user's token only when asked for.
var (
	expandNone       = &apps.Expand{}
	expandActingUser = &apps.Expand{
		ActingUser:            apps.ExpandSummary.Required(),
		ActingUserAccessToken: apps.ExpandAll.Required(),
	}
	expandConnect = &apps.Expand{
		ActingUser: apps.ExpandSummary,
		OAuth2App:  apps.ExpandAll.Required(),
	}
	expandRemoteUser = &apps.Expand{
		ActingUser:            apps.ExpandSummary.Required(),
		ActingUserAccessToken: apps.ExpandAll.Required(),
		OAuth2App:             apps.ExpandAll.Required(),
		OAuth2User:            apps.ExpandAll,
	}
	// expandNotification is what the user_joined_channel notification
	// asks for: the user who joined and the channel.
	expandNotification = &apps.Expand{
		User:    apps.ExpandSummary,
		Channel: apps.ExpandSummary,
	}
)

// bindings puts /compat-go and its sub-commands on the command line.
func (a *app) bindings(context.Context, *apps.CallRequest) apps.CallResponse {
	return apps.NewDataResponse([]apps.Binding{{
		Location: apps.LocationCommand,
		Bindings: []apps.Binding{{
			Location:    commandTrigger,
			Label:       commandTrigger,
			Icon:        "icon.png",
			Description: "The Apps framework v1.2 Go driver on Lambda Apps",
			Hint:        "[kv | configure | connect | whoami-remote | subscribe | unsubscribe | subscriptions]",
			Bindings: []apps.Binding{
				{
					Location:    "kv",
					Label:       "kv",
					Description: "The app's KV store, as the app's bot",
					Bindings: []apps.Binding{
						command("set", "Stores a value", pathKVSet, expandNone, keyField(1), valueField(2), prefixField()),
						command("get", "Reads a value", pathKVGet, expandNone, keyField(1), prefixField()),
						command("delete", "Deletes a value", pathKVDelete, expandNone, keyField(1), prefixField()),
					},
				},
				command("configure", "Stores the remote OAuth2 client (system admins)", pathConfigure, expandActingUser,
					textField("client-id", "The OAuth2 client ID", 0, true),
					textField("client-secret", "The OAuth2 client secret", 0, true),
					textField("remote-url", "The OAuth2 provider's root URL", 0, true)),
				command("connect", "Connects your remote account", pathConnect, expandConnect),
				command("whoami-remote", "Shows your connected remote account", pathWhoAmIRemote, expandRemoteUser),
				command("subscribe", "Welcomes users who join this channel", pathSubscribe, expandActingUser),
				command("unsubscribe", "Stops welcoming users who join this channel", pathUnsubscribe, expandActingUser),
				command("subscriptions", "Lists your subscriptions", pathSubscriptions, expandActingUser),
			},
		}},
	}})
}

// command is a sub-command binding whose form submits to path.
func command(label, description, path string, expand *apps.Expand, fields ...apps.Field) apps.Binding {
	return apps.Binding{
		Location:    apps.Location(label),
		Label:       label,
		Description: description,
		Form: &apps.Form{
			Fields: fields,
			Submit: &apps.Call{Path: path, Expand: expand},
		},
	}
}

func textField(name, description string, position int, required bool) apps.Field {
	return apps.Field{
		Name:                 name,
		Type:                 apps.FieldTypeText,
		Label:                name,
		Description:          description,
		AutocompletePosition: position,
		IsRequired:           required,
	}
}

func keyField(position int) apps.Field {
	return textField("key", "The key", position, true)
}

func valueField(position int) apps.Field {
	return textField("value", "The value, stored as a JSON string", position, true)
}

func prefixField() apps.Field {
	return textField("prefix", "A namespace of at most 2 bytes", 0, false)
}
