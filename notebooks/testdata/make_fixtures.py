"""Regenerates the fixture notebooks of this folder (used by notebooks/nbrun tests).

Run from this folder: /usr/bin/python3 make_fixtures.py
Each broken fixture has a passing code cell, a markdown cell, then the broken
code cell, so the failure is at cell 4 (code cell 2).
"""
import nbformat, sys, json
from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell
def nb(path, title, cells):
    out=[new_markdown_cell("# "+title)]
    for kind, src in cells:
        out.append(new_markdown_cell(src) if kind=="md" else new_code_cell(src))
    n=new_notebook(cells=out, metadata={"kernelspec":{"name":"gonb","display_name":"Go (gonb)","language":"go"},
        "language_info":{"name":"go"}})
    # stable ids so the fixtures diff cleanly
    for i,c in enumerate(n.cells): c["id"]="cell-%d"%(i+1)
    nbformat.write(n, path)
ok=("code",'%%\nfmt.Println("cell 2 runs")')
note=("md","A markdown cell, so that cell numbers and code cell numbers differ.")
nb("good.ipynb","Fixture: a notebook that passes",[
 ("code",'import (\n\t"image"\n\t"image/color"\n\t"os"\n\n\t"github.com/janpfeifer/gonb/gonbui"\n)\n\n%%\nfmt.Println("mode:", os.Getenv("GAN_NOTEBOOK_MODE"))\nfmt.Println("repo set:", os.Getenv("GAN_REPO") != "")'),
 note,
 ("code",'%%\n// A 2x2 image, shown inline as image/png.\nimg := image.NewGray(image.Rect(0, 0, 2, 2))\nimg.SetGray(1, 1, color.Gray{Y: 255})\nif err := gonbui.DisplayImage(img); err != nil {\n\tpanic(err)\n}\ngonbui.Sync()'),
 ("code",'%%\nfmt.Println("errors: 0 (a line mentioning errors is not an error)")'),
])
nb("compile_error.ipynb","Fixture: a cell that does not compile",[ok,note,("code",'%%\nfmt.Println(undefinedVariable)')])
nb("panic.ipynb","Fixture: a cell that panics",[ok,note,("code",'%%\npanic("boom")')])
nb("exit.ipynb","Fixture: a cell that exits with status 1",[ok,note,("code",'%%\nfmt.Println("giving up")\nos.Exit(1)')])
nb("error_printed.ipynb","Fixture: a cell that prints an error and exits normally",[ok,note,("code",'%%\nfmt.Println("Error: data folder not found")')])
nb("shell_error.ipynb","Fixture: a cell whose ! shell command fails",[ok,note,("code",'!echo "listing"\n!ls /nonexistent-nbrun-fixture\n!echo "after the failure"')])
nb("timeout.ipynb","Fixture: a cell that runs past the notebook deadline",[ok,note,("code",'%%\ntime.Sleep(time.Hour)')])
nb("import_project.ipynb","Fixture: cells import the project and GoMLX from the local checkout",[
 ("code",'import (\n\t"github.com/gan-notebooks/gan/ganlib"\n\t"github.com/gomlx/gomlx/core/graph"\n)\n\n%%\nbackend, choice, err := ganlib.Backend()\nif err != nil {\n\tpanic(err)\n}\nfmt.Println("backend:", choice)\nsquare := func(x *graph.Node) *graph.Node { return graph.Mul(x, x) }\nfmt.Println("3*3 =", graph.MustExecOnce(backend, square, float32(3)))'),
 ("code",'%%\n// Second compile of a cell importing GoMLX.\nfmt.Println("4+4 =", graph.MustExecOnce(ganlib.MustBackend(), func(x *graph.Node) *graph.Node { return graph.Add(x, x) }, float32(4)))'),
])
