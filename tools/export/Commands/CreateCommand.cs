using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;

namespace OnnxVideo.ExportTool.Commands;

/// <summary><c>onnxvideo-export create</c>: builds a zoo model with its preprocessing contract.</summary>
public static class CreateCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = "Architecture (see 'onnxvideo-export list'); required unless --recipe names it" };
        var recipeName = new Option<string?>("--recipe") { Description = "A recipe of models/ by name or a recipe file: architecture, clip shape, preprocessing and pretrained weights (SHA-256 checked), with a new head for --classes" };
        var classes = new Option<string?>("--classes") { Description = "Class count N, or a labels file with one label per line (classifiers)" };
        var frames = new Option<int?>("--frames") { Description = "Frames per clip T (default: the architecture's)" };
        var size = new Option<int?>("--size") { Description = "Side of the square input crop S (default: the architecture's)" };
        var output = new Option<string>("--out") { Description = "The ONNX model to write", Required = true };
        var weights = new Option<string?>("--weights") { Description = "Weights with the architecture's parameter names: safetensors, or a PyTorch state dict saved by torch.save (.pth/.pt; read without Python, nothing in it executed) (default: random initialisation)" };
        var newHead = new Option<bool>("--new-head") { Description = "With --weights: keep the backbone, start a new random head for --classes (e.g. Kinetics weights, your labels)" };
        var seed = CommonOptions.Seed("the random initialisation");
        var dropPath = new Option<float>("--drop-path") { Description = "Stochastic depth rate of video_vit (timm's linear rule over the blocks; training only)" };
        var features = new Option<bool>("--features") { Description = "Also output the penultimate features [N, F] as 'features'" };

        var caption = new CaptionModelFlags();
        var command = new Command("create", "Build a model from the zoo, random-initialised or with safetensors or PyTorch (.pth) weights, with its preprocessing contract");
        foreach (var option in new Option[] { arch, recipeName, classes, frames, size, output, weights, newHead, seed, features, dropPath }.Concat(caption.All()))
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, _) =>
        {
            if (string.Equals(parse.GetValue(arch), VideoCaption.ArchitectureName, StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(caption.Run(parse, parse.GetValue(frames), parse.GetValue(size), parse.GetValue(seed), parse.GetValue(weights), parse.GetValue(output)!));
            }
            var classText = parse.GetValue(classes) ?? throw new InvalidFlagException("--classes", "needed: the class count or a labels file");
            var recipe = RecipeChoice.Resolve(parse.GetValue(recipeName), parse.GetValue(arch), parse.GetValue(weights));
            var architecture = ModelZoo.Get(recipe?.Recipe.Architecture ?? parse.GetValue(arch)
                ?? throw new InvalidFlagException("--arch", "needed: an architecture (see 'onnxvideo-export list'), or --recipe"));
            var labels = ClassLabels.Resolve(classText);
            var weightsPath = recipe?.WeightsPath ?? parse.GetValue(weights);
            if (weightsPath is not null && !File.Exists(weightsPath))
            {
                throw new UserFileException(weightsPath, "weights file not found");
            }
            var options = new ZooOptions
            {
                Classes = labels.Length,
                Frames = parse.GetValue(frames) ?? recipe?.Recipe.Frames,
                Size = parse.GetValue(size) ?? recipe?.Recipe.Size,
                WeightsPath = weightsPath,
                NewHead = parse.GetValue(newHead) || recipe is not null,
                Seed = parse.GetValue(seed),
                FeaturesOutput = parse.GetValue(features),
                DropPathRate = parse.GetValue(dropPath),
            };
            if (options.NewHead && weightsPath is null)
            {
                throw new InvalidFlagException("--new-head", "needs --weights (without weights every parameter is new anyway)");
            }
            var model = FlagValues.Check(() => ModelZoo.Build(architecture, options));
            var t = options.Frames ?? architecture.DefaultFrames;
            var s = options.Size ?? architecture.DefaultSize;
            var contract = (recipe?.Contract(architecture, t, s) ?? architecture.DefaultContract(t, s)) with { Labels = labels, PlaceholderLabels = ClassLabels.IsCount(classText) };
            var outPath = parse.GetValue(output)!;
            ModelContracts.Write(model, contract, source: outPath);
            UserFileException.Guard(outPath, "cannot write the model", () => OnnxModelFile.Save(model, outPath));
            var stats = ModelZoo.Measure(architecture.Name, labels.Length, t, s);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outPath}: {architecture.Name}, {labels.Length} classes, input video [N, {string.Join(", ", architecture.InputShape(t, s))}] ({architecture.InputLayout}), {stats.Parameters:N0} parameters, {stats.GFlops:F2} GFLOPs per clip, weights {(weightsPath ?? $"random (seed {options.Seed})")}{(recipe is null ? "" : $" (recipe {recipe.Recipe.Name}, SHA-256 checked, new head)")}"));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
