using OnnxVideo.Onnx;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.FewShot;

/// <summary>
/// Few-shot learning by prototypes: embeds the support clips with the model's features output, builds one prototype
/// per class and writes the model with the nearest-prototype head (<see cref="PrototypeModel"/>).
/// </summary>
public static class FewShotPrototypes
{
    /// <param name="classifier">Device, threads, workers and batch of the embedding runs.</param>
    public static async Task<FewShotResult> WriteModelAsync(string modelPath, VideoDataset support, string outputPath, FewShotOptions? options = null,
        VideoClassifierOptions? classifier = null, CancellationToken ct = default)
    {
        options ??= new FewShotOptions();
        var samples = SelectShots(support, options.Shots, options.Seed);
        await using var embedder = ClipEmbedder.Open(modelPath, options.FeaturesOutput, classifier);
        var (features, failures) = await embedder.EmbedAsync(samples, ct).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw new FewShotException(failures[0].Path, $"support clip cannot be read: {failures[0].Reason}");
        }
        var prototypes = PrototypeSet.Build(features!, samples.Select(s => s.Label).ToList(), support.Classes.Count, options.Metric, options.Scale);
        var source = OnnxModelFile.Load(modelPath);
        var contract = Packaging.Contracts.ModelContracts.Read(source, modelPath)!;
        var model = PrototypeModel.Build(source, prototypes, contract, support.Classes, options.FeaturesOutput, modelPath);
        UserFileException.Guard(outputPath, "cannot write the model", () =>
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
            if (folder is not null) Directory.CreateDirectory(folder);
            OnnxModelFile.Save(model, outputPath);
        });
        var counts = new int[support.Classes.Count];
        foreach (var s in samples) counts[s.Label]++;
        return new FewShotResult(Path.GetFullPath(outputPath), support.Classes, counts, embedder.FeatureLength, options.Metric);
    }

    /// <summary>
    /// The support clips used: all, or <paramref name="shots"/> per class drawn with <paramref name="seed"/>. A class
    /// with no clips, or with fewer than <paramref name="shots"/>, is a <see cref="FewShotException"/> naming the support set.
    /// </summary>
    public static IReadOnlyList<VideoSample> SelectShots(VideoDataset support, int? shots, int seed)
    {
        if (shots is < 1)
        {
            throw new FewShotException("--shots", $"must be at least 1 (got {shots})");
        }
        var byClass = support.Samples.GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.ToList());
        var rng = new Random(seed);
        var selected = new List<VideoSample>();
        for (var c = 0; c < support.Classes.Count; c++)
        {
            var clips = byClass.GetValueOrDefault(c) ?? [];
            if (clips.Count == 0)
            {
                throw new FewShotException(support.Source, $"class '{support.Classes[c]}' has no support clips");
            }
            if (shots is { } k && clips.Count < k)
            {
                throw new FewShotException(support.Source, $"class '{support.Classes[c]}' has {clips.Count} support clip(s), fewer than --shots {k}");
            }
            selected.AddRange(shots is { } n ? clips.OrderBy(_ => rng.Next()).Take(n).OrderBy(s => s.Path, StringComparer.Ordinal) : clips);
        }
        return selected;
    }
}
