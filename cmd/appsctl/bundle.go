package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/deploy"
	"github.com/lambda-apps/lambda-apps/appsctl/gomigrate"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/appsctl/runtimes"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

func (a *app) validateCommand() *cobra.Command {
	var keepRuntime, offline bool
	cmd := &cobra.Command{
		Use:   "validate <bundle.zip>",
		Short: "Check an app bundle without deploying it",
		Long: "validate reads the whole bundle (manifest, function packages, static assets), reports\n" +
			"every problem at once, and prints where each part would go in AWS.\n" +
			"Its warnings say what deploy does with go1.x functions and with functions on runtimes\n" +
			"AWS Lambda deprecates, with their deprecation and block dates (with --keep-runtime, as\n" +
			"deploy --keep-runtime would). The dates come from appsctl's copy of AWS's runtime calendar.\n\n" +
			"It also reads the manifests already in the bucket (MM_APPS_S3_BUCKET) and fails when another\n" +
			"app ID or version maps to the same manifest key, static asset prefix or Lambda function\n" +
			"name, as deploy does. That needs the deploy key (MM_APPS_DEPLOY_AWS_ACCESS_KEY and\n" +
			"MM_APPS_DEPLOY_AWS_SECRET_KEY), with which it also looks up the Lambda functions, or the\n" +
			"invoke key (MM_APPS_AWS_ACCESS_KEY and MM_APPS_AWS_SECRET_KEY); without either, or with\n" +
			"--offline, only the bundle is checked.",
		Args: exactArgs("<bundle.zip>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opened, err := deploy.OpenBundle(args[0], keepRuntime)
			if err != nil {
				return err
			}
			defer func() { _ = opened.Close() }()
			for _, w := range opened.Warnings {
				a.p.Warnf("%s", w)
			}
			a.printBundle(opened.Bundle)
			if err := a.checkDeployed(cmd.Context(), opened.Bundle, offline); err != nil {
				return err
			}
			a.p.Infof("Bundle is valid.")
			return nil
		},
	}
	cmd.Flags().BoolVar(&keepRuntime, "keep-runtime", false, "show the warnings of a deploy with --keep-runtime")
	cmd.Flags().BoolVar(&offline, "offline", false, "check only the bundle, not the apps already in the bucket")
	return cmd
}

// checkDeployed checks the bundle against the app versions in the bucket:
// no other one may use its names in AWS. It reads the bucket with the
// deploy key, or else the invoke key; with neither (or offline) it says
// that it did not check.
func (a *app) checkDeployed(ctx context.Context, b *bundle.Bundle, offline bool) error {
	bucket := a.cfg.Bucket
	kind := deployKey
	switch {
	case offline:
		a.p.Infof("Not checked against the apps in bucket %s (--offline).", bucket)
		return nil
	case a.cfg.Deploy.IsSet():
	case a.cfg.Invoke.IsSet():
		kind = invokeKey
	default:
		a.p.Warnf("not checked against the apps already in bucket %s: set %s and %s (or %s and %s) "+
			"to check that no other app ID or version uses this app's names in AWS (deploy always checks)",
			bucket, envDeployAccessKey, envDeploySecretKey, envInvokeAccessKey, envInvokeSecretKey)
		return nil
	}
	clients, err := a.cfg.clients(kind)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		var collision *deploy.CollisionError
		if errors.As(err, &collision) {
			return err
		}
		return fmt.Errorf("%w\nto check only the bundle, run validate with --offline", explain(err, kind))
	}
	res, err := deploy.CheckCollisions(ctx, s3store.New(clients.S3(), bucket), b)
	if err != nil {
		return fail(err)
	}
	for _, w := range res.Warnings {
		a.p.Warnf("%s", w)
	}
	a.p.Infof("No name collision with the %d app version(s) in bucket %s.", res.Deployed, bucket)
	if kind != deployKey {
		a.p.Infof("Lambda functions left by other deploys not checked: that needs the deploy key (%s and %s).", envDeployAccessKey, envDeploySecretKey)
		return nil
	}
	if err := deploy.CheckFunctionOwners(ctx, clients.Lambda(), a.cfg.Region, b); err != nil {
		return fail(err)
	}
	a.p.Infof("No Lambda function of another app version uses this app's function names.")
	return nil
}

func (a *app) printBundle(b *bundle.Bundle) {
	p := a.p
	m := b.Manifest()
	p.Infof("App:       %s %s (%s)", m.AppID, m.Version, m.DisplayName)
	p.Infof("Manifest:  %s", awsnames.ManifestKey(string(m.AppID), string(m.Version)))
	p.Infof("Functions: %d", len(b.Functions()))
	for _, fp := range b.Functions() {
		fn := fp.Function
		p.Infof("  %q path %s, %s, handler %s (%s) -> Lambda %s", fn.Name, fn.Path, fn.Runtime, fn.Handler,
			report.FormatBytes(fp.Size), fp.LambdaName)
	}
	p.Infof("Static assets: %d", len(b.StaticAssets()))
	for _, s := range b.StaticAssets() {
		p.Infof("  %s (%s, %s) -> %s", s.Name, report.FormatBytes(s.Size), deploy.ContentType(s.Name), s.Key)
	}
}

func (a *app) generateTerraformDataCommand(use string) *cobra.Command {
	var explain bool
	cmd := &cobra.Command{
		Use:   use + " <bundle.zip>",
		Short: "Print the provisioning data of a bundle as JSON (for Terraform and cloud deployers)",
		Long: "Prints, on stdout and nothing else, where each part of the bundle goes in AWS:\n" +
			`{"static_files":{...},"lambda_functions":{...},"manifest_key":"manifests/..."}` + "\n\n" +
			"lambda_functions lists the manifest's runtimes. With --explain, warnings on stderr say what\n" +
			"`appsctl aws deploy` does with them: go1.x functions migrated to provided.al2023, and the\n" +
			"deprecation and block dates of the runtimes AWS Lambda deprecates.",
		Args: exactArgs("<bundle.zip>"),
		RunE: func(_ *cobra.Command, args []string) error {
			data, err := bundle.ProvisionDataFromFile(args[0], bundle.AllowS3Upload())
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(data, "", "  ")
			if err != nil {
				return fmt.Errorf("encode provisioning data: %w", err)
			}
			if _, err := fmt.Fprintf(a.out, "%s\n", out); err != nil {
				return err
			}
			if explain {
				return a.explainRuntimes(args[0], time.Now())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false,
		"also say on stderr what `appsctl aws deploy` does with runtimes AWS Lambda deprecates (stdout keeps only the JSON)")
	return cmd
}

// explainRuntimes warns, for generate-terraform-data, what deploy does with
// the bundle's functions whose runtime it changes or warns about, at now.
func (a *app) explainRuntimes(path string, now time.Time) error {
	opened, err := deploy.OpenBundleAt(path, false, now)
	if err != nil {
		return err
	}
	defer func() { _ = opened.Close() }()
	changed := 0
	for _, fp := range opened.Bundle.Functions() {
		name := fp.Function.Name
		if fp.Function.Runtime == gomigrate.LegacyRuntime {
			if plan, ok := opened.Migrations[name]; ok && plan.Migrate() {
				changed++
				a.p.Warnf("function %q: lambda_functions says %s; appsctl aws deploy deploys it on %s (handler %s, a package with %s)",
					name, gomigrate.LegacyRuntime, gomigrate.Runtime, gomigrate.Bootstrap, gomigrate.Bootstrap)
			} else {
				a.p.Warnf("function %q: appsctl aws deploy cannot migrate it and deploys it as %s, which AWS Lambda no longer accepts "+
					"(appsctl aws validate says why)", name, gomigrate.LegacyRuntime)
			}
			continue
		}
		if d, ok := opened.Runtimes[name]; ok {
			if d.Action == runtimes.Migrate {
				changed++
			}
			a.p.Warnf("%s", d.Message)
		}
	}
	if changed > 0 {
		a.p.Warnf("%d function(s) are deployed by appsctl aws deploy on another runtime than lambda_functions lists; "+
			"deploying with Terraform, set those runtimes yourself (AWS's calendar: %s)", changed, runtimes.Source)
	}
	return nil
}

func (a *app) terraformCommand() *cobra.Command {
	return group("terraform", "Data for deploying with Terraform",
		a.generateTerraformDataCommand("generate-data"))
}
