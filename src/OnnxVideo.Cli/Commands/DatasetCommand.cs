using System.CommandLine;
using System.Diagnostics;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>onnxvideo dataset synth</c>: writes a synthetic motion dataset (folder per class + manifests), or with
/// <c>--captions</c> a captioned one (train/val/test with captions.jsonl, <see cref="CaptionDatasetSynthesis"/>).</summary>
public static class DatasetCommand
{
    public static Command Create()
    {
        var defaults = new SyntheticDatasetOptions();
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var classes = new Option<int>("--classes") { Description = "Number of classes, 2..8", DefaultValueFactory = _ => defaults.Classes };
        var perClass = new Option<int>("--per-class") { Description = "Clips per class", DefaultValueFactory = _ => defaults.ClipsPerClass };
        var frames = new Option<int>("--frames") { Description = "Frames per clip", DefaultValueFactory = _ => defaults.Frames };
        var size = new Option<int>("--size") { Description = "Frame width and height in pixels", DefaultValueFactory = _ => defaults.Size };
        var seed = CommonOptions.Seed("the rendered motion, shapes and noise", defaults.Seed);
        var codec = new Option<string>("--codec")
        {
            Description = $"Video codec: {string.Join(", ", SyntheticVideoDataset.Codecs.Keys)}",
            DefaultValueFactory = _ => defaults.Codec,
        };
        var noise = new Option<int>("--noise") { Description = "Pixel noise amplitude (0..128)", DefaultValueFactory = _ => defaults.Noise };
        var distractors = new Option<int>("--distractors") { Description = "Distractor shapes per clip", DefaultValueFactory = _ => defaults.Distractors };
        var preset = new Option<string>("--preset")
        {
            Description = "Classes to render: motion (bars and triangles whose motion is the class; the default) or pretext (discs, rings and "
                          + "crosses on textures, moving diagonally, orbiting or bouncing: a pretraining task that differs from motion)",
            DefaultValueFactory = _ => "motion",
        };
        var validation = new Option<double>("--val-fraction") { Description = "Share of each class in val.txt", DefaultValueFactory = _ => defaults.ValidationFraction };
        var captionFlags = new CaptionSynthFlags();

        var synth = new Command("synth", "Generate a synthetic dataset whose classes differ only in motion, or (--captions) a captioned one");
        foreach (var option in (Option[])[output, preset, classes, perClass, frames, size, seed, codec, noise, distractors, validation, .. captionFlags.All])
        {
            synth.Options.Add(option);
        }
        synth.SetHandler(async (parse, ct) =>
        {
            if (parse.GetValue(captionFlags.Captions))
            {
                return await captionFlags.RunAsync(parse, output, frames, size, noise, seed, codec,
                    [preset, classes, perClass, distractors, validation], ct);
            }
            captionFlags.RefuseWithoutCaptions(parse);
            var options = new SyntheticDatasetOptions
            {
                Preset = ParsePreset(parse.GetValue(preset)!),
                Classes = parse.GetValue(classes),
                ClipsPerClass = parse.GetValue(perClass),
                Frames = parse.GetValue(frames),
                Size = parse.GetValue(size),
                Seed = parse.GetValue(seed),
                Codec = parse.GetValue(codec)!,
                Noise = parse.GetValue(noise),
                Distractors = parse.GetValue(distractors),
                ValidationFraction = parse.GetValue(validation),
            };
            FlagValues.Check(options.Validate);
            var timer = Stopwatch.StartNew();
            var root = parse.GetValue(output)!;
            var dataset = await UserFileException.GuardAsync(root, "cannot write the dataset", () => SyntheticVideoDataset.GenerateAsync(root, options, ct));
            Console.WriteLine(
                $"wrote {dataset.Clips.Count} clips in {dataset.Labels.Count} classes ({string.Join(", ", dataset.Labels)}) to {dataset.Root} in {timer.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"manifests: {dataset.TrainManifestPath}, {dataset.ValidationManifestPath}, {dataset.ManifestPath}; labels: {dataset.LabelsPath}");
            return ExitCodes.Ok;
        });

        var dataset = new Command("dataset", "Dataset tools");
        dataset.Subcommands.Add(synth);
        dataset.Subcommands.Add(TokenizerCommand.Create());
        return dataset;
    }

    private static SyntheticPreset ParsePreset(string value) => value.ToLowerInvariant() switch
    {
        "motion" => SyntheticPreset.Motion,
        "pretext" => SyntheticPreset.Pretext,
        _ => throw new InvalidFlagException("--preset", value, "unknown preset (motion, pretext)"),
    };
}
