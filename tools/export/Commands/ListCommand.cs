using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.ExportTool.Commands;

/// <summary><c>onnxvideo-export list</c>: the zoo's architectures with parameter counts and cost per clip.</summary>
public static class ListCommand
{
    public static Command Create()
    {
        var classes = new Option<int>("--classes") { Description = "Class count the counts assume (default 400)", DefaultValueFactory = _ => 400 };
        var frames = new Option<int?>("--frames") { Description = "Frames per clip (default: each architecture's)" };
        var size = new Option<int?>("--size") { Description = "Input crop side (default: each architecture's)" };
        var command = new Command("list", "List the model zoo's architectures with parameter counts and GFLOPs per clip");
        command.Options.Add(classes);
        command.Options.Add(frames);
        command.Options.Add(size);
        command.SetHandler((parse, _) =>
        {
            // An architecture that cannot take the requested clip shape gets its reason in its row; the listing fails
            // only when none can.
            var rows = ModelZoo.Architectures.Select(a =>
            {
                try
                {
                    return (Arch: a, Stats: ModelZoo.Measure(a.Name, parse.GetValue(classes), parse.GetValue(frames), parse.GetValue(size)), Error: (ArgumentException?)null);
                }
                catch (ArgumentException e)
                {
                    return (Arch: a, Stats: (ZooModelStats?)null, Error: e);
                }
            }).ToList();
            if (rows.All(r => r.Error is not null))
            {
                throw new InvalidFlagException("--frames/--size", rows[0].Error!.Message, rows[0].Error);
            }
            var nameWidth = Math.Max(12, rows.Max(r => r.Arch.Name.Length));
            Console.WriteLine($"{"architecture".PadRight(nameWidth)}  {"input",-14}  {"parameters",12}  {"GFLOPs/clip",11}  description");
            foreach (var (arch, stats, error) in rows)
            {
                if (stats is null)
                {
                    Console.WriteLine($"{arch.Name.PadRight(nameWidth)}  not available for this clip shape: {error!.Message}");
                    continue;
                }
                var input = string.Join("×", arch.InputShape(stats.Frames, stats.Size));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{arch.Name.PadRight(nameWidth)}  {input,-14}  {stats.Parameters,12:N0}  {stats.GFlops,11:F2}  {arch.Description}"));
            }
            var caption = new VideoCaption(new VideoCaptionConfig());
            var (t, s) = (caption.Encoder.DefaultFrames, caption.Encoder.DefaultSize);
            caption.BuildTraining(null, t, s, out var captionGraph);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{VideoCaption.ArchitectureName.PadRight(nameWidth)}  {string.Join("×", caption.Encoder.InputShape(t, s)),-14}  {captionGraph.ParameterCount,12:N0}  {captionGraph.MultiplyAccumulates * 2 / 1e9,11:F2}  {caption.Description} (create --arch video_caption --vocab N; --encoder-arch tiny3d|r3d_18|mc3_18|r2plus1d_18 for a 3-D CNN encoder)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(parameters for {parse.GetValue(classes)} classes, video_caption for a vocabulary of {caption.Config.VocabularySize}; GFLOPs count a multiply-accumulate as 2 operations)"));
            PrintRecipes();
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>The recipes of models/ (create --recipe NAME): where their weights come from and their accuracy.</summary>
    private static void PrintRecipes()
    {
        var recipes = ModelRecipeCatalog.All();
        Console.WriteLine();
        Console.WriteLine($"recipes ({ModelRecipeCatalog.Folder}; 'create --recipe NAME'):");
        if (recipes.Count == 0)
        {
            Console.WriteLine("  none");
            return;
        }
        var width = Math.Max(12, recipes.Max(r => r.Name.Length));
        foreach (var r in recipes)
        {
            var weights = r.Weights switch
            {
                null => "no weights",
                { File: { } file } => $"shipped {Path.GetFileName(file)}",
                { Url: { } url } => url,
                _ => "",
            };
            var accuracy = r.Accuracy.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
                $", top-1 {r.Accuracy[0].Top1:0.0} % on {r.Accuracy[0].Dataset}");
            var how = r.Source == RecipeSource.Import ? "import" : r.Architecture;
            Console.WriteLine($"  {r.Name.PadRight(width)}  {how,-14}  {r.Frames}×{r.Size}²  {weights}{(r.Weights is { } w ? $" ({w.License})" : "")}{accuracy}");
        }
    }
}
