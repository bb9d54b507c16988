package catalog

import "github.com/lambda-apps/lambda-apps/apps"

// AppView is one app of the catalog as the REST API shows it.
type AppView struct {
	AppID                apps.AppID        `json:"app_id"`
	DisplayName          string            `json:"display_name"`
	Description          string            `json:"description,omitempty"`
	HomepageURL          string            `json:"homepage_url,omitempty"`
	Version              apps.AppVersion   `json:"version"`
	Versions             []apps.AppVersion `json:"versions"`
	DeployTypes          []apps.DeployType `json:"deploy_types"`
	Supported            bool              `json:"supported"`
	RequestedPermissions apps.Permissions  `json:"requested_permissions,omitempty"`
	RequestedLocations   apps.Locations    `json:"requested_locations,omitempty"`
	ManifestKey          string            `json:"manifest_key"`
}

// View is the catalog as the REST API shows it.
type View struct {
	Status
	Apps    []AppView `json:"apps"`
	Skipped []Skipped `json:"skipped"`
}

// View returns the current catalog for the REST API.
func (s *Service) View() View {
	snap := s.Snapshot()
	v := View{Status: s.Status(), Apps: []AppView{}, Skipped: append([]Skipped{}, snap.Skipped()...)}
	for _, a := range snap.Apps() {
		listed := a.Listed()
		m := listed.Manifest
		av := AppView{
			AppID: a.ID, DisplayName: m.DisplayName, Description: m.Description, HomepageURL: m.HomepageURL,
			Version: m.Version, DeployTypes: m.DeployTypes(), Supported: m.SupportsAWSLambda(),
			RequestedPermissions: m.RequestedPermissions, RequestedLocations: m.RequestedLocations,
			ManifestKey: listed.Key,
		}
		for _, e := range a.Versions {
			av.Versions = append(av.Versions, e.Manifest.Version)
		}
		v.Apps = append(v.Apps, av)
	}
	return v
}

// Listed returns the apps of the current catalog.
func (s *Service) Listed() []AppView { return s.View().Apps }
