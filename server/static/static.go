// Package static opens the apps' static assets in S3 (icons, images the
// apps' bindings and forms refer to), under the key the app's version was
// deployed with.
package static

import (
	"context"
	"errors"
	"io"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// ErrNotFound is an app or asset that does not exist.
var ErrNotFound = failure.New(failure.NotFound, "no such static asset")

// Stores gives the S3 store of the current configuration (an error when
// there are no credentials).
type Stores interface {
	S3() (*s3store.Store, error)
}

// Service opens static assets.
type Service struct {
	Apps   *store.Apps
	Stores Stores
}

// OpenStatic opens an installed app's asset (any state: icons of disabled
// apps still show in lists); ifNoneMatch makes it a conditional request.
func (s *Service) OpenStatic(ctx context.Context, appID apps.AppID, name, ifNoneMatch string) (*s3store.Content, error) {
	app, err := s.Apps.Get(appID)
	if err != nil {
		return nil, ErrNotFound
	}
	return s.open(ctx, string(app.ID()), string(app.Manifest.Version), name, ifNoneMatch)
}

// OpenVersion opens an asset of an app version, installed or not yet (the
// icon of an app being installed).
func (s *Service) OpenVersion(ctx context.Context, appID, version, name string) (io.ReadCloser, error) {
	obj, err := s.open(ctx, appID, version, name, "")
	if err != nil {
		return nil, err
	}
	return obj.Body, nil
}

func (s *Service) open(ctx context.Context, appID, version, name, ifNoneMatch string) (*s3store.Content, error) {
	st, err := s.Stores.S3()
	if err != nil {
		return nil, err
	}
	obj, err := st.Open(ctx, awsnames.StaticKey(appID, version, name), ifNoneMatch)
	switch {
	case errors.Is(err, s3store.ErrNotFound):
		return nil, ErrNotFound
	case err != nil:
		return nil, failure.Hide(failure.Upstream, "the asset could not be read from S3; the server log has the details", err)
	}
	return obj, nil
}
