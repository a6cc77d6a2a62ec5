package main

import (
	"context"
	"fmt"
	"os"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// catalogue runs "catalogue export [FILE]" and "catalogue import FILE".
func (m *Main) catalogue(ctx context.Context, args []string) error {
	const want = "want \"catalogue export [FILE]\" or \"catalogue import FILE\""
	if len(args) == 0 {
		return usagef("catalogue: %s", want)
	}
	switch args[0] {
	case "export":
		return m.catalogueExport(ctx, args[1:])
	case "import":
		return m.catalogueImport(ctx, args[1:])
	default:
		return usagef("catalogue: unknown command %q: %s", args[0], want)
	}
}

const catalogueHelp = "The catalogue is a CSV file with the header\n" +
	"  kind,key,title,calendar,date,since,milestones,time,schedule,from,until,off,text\n" +
	"kind campaign: a campaign an official turns on for an area (title, text, a suggested\n" +
	"schedule, from and until as YYYY-MM-DD). kind event: a day everywhere, by calendar solar\n" +
	"or lunar, date D/M (every year) or D/M/YYYY, since (the year it commemorates), milestones\n" +
	"(days before to remind on, \"100,30,7,1,0\"), time (HH:MM). off 1 switches an entry off."

func (m *Main) catalogueExport(ctx context.Context, args []string) error {
	fs := m.flagSet("catalogue export [FILE]", "Writes the catalogue as the database holds it (the built-in one with the\n"+
		"operator's changes) to FILE, or to standard output.\n\n"+catalogueHelp)
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("catalogue export: want at most one file")
	}
	db, err := openWithCatalogue(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	entries, err := db.Catalogue(ctx)
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return scheduler.WriteCatalogue(m.Stdout, entries)
	}
	f, err := os.Create(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := scheduler.WriteCatalogue(f, entries); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %d entries to %s\n", len(entries), fs.Arg(0))
	return nil
}

func (m *Main) catalogueImport(ctx context.Context, args []string) error {
	fs := m.flagSet("catalogue import FILE", "Reads a catalogue file and stores it: new keys are added, existing ones\n"+
		"updated from the file; nothing is deleted (switch an entry off instead). A file with\n"+
		"any error imports nothing. Campaigns already turned on keep their own title, text\n"+
		"and schedule.\n\n"+catalogueHelp)
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("catalogue import: want exactly one file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := scheduler.ReadCatalogue(f)
	if err != nil {
		return usagef("%s: %v; nothing imported", fs.Arg(0), err)
	}
	db, err := openWithCatalogue(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	added, updated, err := db.ImportCatalogue(ctx, entries, true)
	if store.ErrorCode(err) == store.EINVALID {
		return usagef("%s: %s; nothing imported", fs.Arg(0), store.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported %s: %d added, %d updated\n", fs.Arg(0), added, updated)
	return nil
}
