using OnnxVideo.Media;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Text;

namespace OnnxVideo.Testing;

/// <summary>
/// A tiny captioned dataset (the synthetic motion clips, captioned "a square moves &lt;label&gt;" and variants) and a
/// tiny video_caption training package (4 frames of 16², 2+1 layers of width 32) with a tokenizer trained on the
/// captions, written at test time.
/// </summary>
public static class CaptionTestPackage
{
    public const int MaxLength = 12;

    /// <summary>Writes train/ and val/ caption splits over the clips of <paramref name="data"/>; returns the dataset folder.</summary>
    public static string WriteDataset(SyntheticMotionData data, string folder, int trainPerClass = 2, int validationPerClass = 1)
    {
        var root = data.Dataset.Root;
        foreach (var (split, validation, take) in new[] { ("train", false, trainPerClass), ("val", true, validationPerClass) })
        {
            var splitFolder = Path.Combine(folder, split);
            Directory.CreateDirectory(splitFolder);
            var clips = data.Dataset.Clips.Where(c => c.Validation == validation).GroupBy(c => c.Label).SelectMany(g => g.Take(take)).ToList();
            var entries = clips.Select(c =>
            {
                var name = Path.GetFileName(c.RelativePath);
                File.Copy(Path.Combine(root, c.RelativePath), Path.Combine(splitFolder, name));
                var label = data.Dataset.Labels[c.Label];
                return (name, (IReadOnlyList<string>)[$"a square moves {label}", $"the square goes {label}"]);
            }).ToList();
            CaptionDatasetWriter.Write(splitFolder, entries);
        }
        return folder;
    }

    /// <summary>
    /// Writes the package (full tuning, AdamW at <paramref name="learningRate"/>) to <paramref name="directory"/>, its
    /// tokenizer trained on <paramref name="corpus"/>. With <paramref name="cnnEncoder"/> (a zoo 3-D CNN) the encoder is
    /// that CNN's last feature map, projected to width 32, on 8 frames of 32².
    /// </summary>
    public static string Write(string directory, IEnumerable<string> corpus, int seed = 3, float learningRate = 3e-3f, int vocabularySize = 300, string? cnnEncoder = null)
    {
        Directory.CreateDirectory(directory);
        var tokenizerPath = Path.Combine(directory, "..", Path.GetFileName(directory) + ".tokenizer.json");
        BpeTokenizer.Train(corpus.Select(CaptionText.Normalize), vocabularySize).Save(tokenizerPath);
        var tokenizer = BpeTokenizer.Load(tokenizerPath);
        var config = new VideoCaptionConfig
        {
            Encoder = new VideoVitConfig { Depth = 1, Width = 32, Heads = 4, MlpWidth = 64, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 },
            VocabularySize = tokenizer.VocabularySize,
            MaxLength = MaxLength,
            Layers = 1,
            Heads = 4,
            MlpWidth = 64,
        };
        if (cnnEncoder is not null)
        {
            config = config with { Encoder = null, CnnEncoder = new CaptionCnnEncoderConfig { Architecture = cnnEncoder, Width = 32 } };
        }
        var built = VideoCaptionZoo.Build(config, cnnEncoder is null ? null : 8, cnnEncoder is null ? null : 32, seed);
        var contract = built.Architecture.DefaultContract(built.Frames, built.Size) with { ResizeShortSide = built.Size };
        ModelContracts.Write(built.Model, contract, source: "caption-test");
        TrainingPackageWriter.Write(built.Model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = learningRate },
            TokenizerPath = tokenizerPath,
        }, directory, "caption-test");
        return directory;
    }

    /// <summary>Every caption of a caption split folder (the tokenizer's corpus).</summary>
    public static IEnumerable<string> Captions(string splitFolder) => CaptionDataset.Load(splitFolder).SelectMany(c => c.Captions);
}
