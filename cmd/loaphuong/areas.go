package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/loaphuong/loaphuong/store"
)

// areas runs "areas import FILE" and "areas list".
func (m *Main) areas(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("areas: want \"areas import FILE\" or \"areas list\"")
	}
	switch args[0] {
	case "import":
		return m.areasImport(ctx, args[1:])
	case "list":
		return m.areasList(ctx, args[1:])
	default:
		return usagef("areas: unknown command %q (want import or list)", args[0])
	}
}

func (m *Main) areasImport(ctx context.Context, args []string) error {
	fs := m.flagSet("areas import [--db FILE] FILE.csv",
		"Imports areas from a CSV file with the header code,parent_code,kind,name,aliases\n"+
			"(kind: city, ward, quarter or building; aliases separated by |).\n"+
			"Existing codes are updated. A file with any error imports nothing.")
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("areas import: want exactly one CSV file")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	areas, err := store.ReadAreasCSV(f)
	if err != nil {
		return fmt.Errorf("%s: %s; nothing imported", name, store.ErrorMessage(err))
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.ImportAreas(ctx, areas)
	if err != nil {
		return fmt.Errorf("%s: %s; nothing imported", name, store.ErrorMessage(err))
	}
	fmt.Fprintf(m.Stdout, "imported %d areas from %s\n", n, name)
	return nil
}

func (m *Main) areasList(ctx context.Context, args []string) error {
	fs := m.flagSet("areas list [--db FILE]", "Lists the areas as a tree, with their codes and subscriber counts.")
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	areas, err := db.ListAreas(ctx)
	if err != nil {
		return err
	}
	if len(areas) == 0 {
		fmt.Fprintln(m.Stdout, "no areas yet: import some with \"loaphuong areas import FILE.csv\"")
		return nil
	}
	depth := map[string]int{}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tKIND\tNAME\tSUBSCRIBERS\tALIASES")
	for _, a := range areas {
		d := 0
		if a.ParentCode != "" {
			d = depth[a.ParentCode] + 1
		}
		depth[a.Code] = d
		subs, err := db.CountSubscribers(ctx, a.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%d\t%s\n", strings.Repeat("  ", d), a.Code, a.Kind, a.Name, subs, strings.Join(a.Aliases, " | "))
	}
	return tw.Flush()
}
