using OnnxVideo.Onnx;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.FewShot;

/// <summary>
/// Embeds clips with a model's features output through <see cref="VideoClassifier"/>: a copy of the model whose first
/// output is the features runs on the classify path (decoding, sampling, the contract's test clips and crops), and a
/// clip's embedding is the mean of its (clip, crop) feature vectors, as its logits would be averaged.
/// </summary>
public sealed class ClipEmbedder : IAsyncDisposable
{
    private readonly VideoClassifier _classifier;
    private readonly string _folder;

    private ClipEmbedder(VideoClassifier classifier, string folder, int featureLength)
    {
        _classifier = classifier;
        _folder = folder;
        FeatureLength = featureLength;
    }

    public int FeatureLength { get; }
    public Media.PreprocessingContract Contract => _classifier.Contract;

    /// <param name="options">Device, threads, workers and batch; its ModelPath and Contract are replaced.</param>
    public static ClipEmbedder Open(string modelPath, string featuresOutput = "features", VideoClassifierOptions? options = null)
    {
        var model = OnnxModelFile.Load(modelPath);
        var contract = Packaging.Contracts.ModelContracts.Read(model, modelPath)
            ?? throw new Media.InvalidContractException(modelPath, "the model has no preprocessing contract");
        var features = model.Graph.Output.FirstOrDefault(o => o.Name == featuresOutput);
        var length = features?.Type?.TensorType?.Shape?.Dim is { Count: 2 } dims ? dims[1].DimValue : 0;
        var checkedFeatures = PrototypeModel.FeaturesOutput(model.Graph, featuresOutput, (int)Math.Max(1, length), modelPath);
        if (length <= 0)
        {
            throw new FewShotException(modelPath, $"output '{featuresOutput}' needs a fixed feature length");
        }
        var embedding = model.Clone();
        embedding.Graph.Output.Clear();
        embedding.Graph.Output.Add(checkedFeatures);
        var folder = Directory.CreateTempSubdirectory("onnxvideo-embed-").FullName;
        try
        {
            var path = Path.Combine(folder, "embedding.onnx");
            OnnxModelFile.Save(embedding, path);
            var settings = options ?? new VideoClassifierOptions();
            settings.ModelPath = path;
            settings.Contract = contract with { Labels = [] };
            settings.TopK = 1;
            return new ClipEmbedder(new VideoClassifier(settings), folder, (int)length);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>One embedding per sample, in order; null (and a failure) for a clip that cannot be read.</summary>
    public async Task<(float[]?[] Features, IReadOnlyList<ClipFailure> Failures)> EmbedAsync(IReadOnlyList<VideoSample> samples, CancellationToken ct = default)
    {
        var features = new float[]?[samples.Count];
        var failures = new List<ClipFailure>();
        var index = 0;
        await foreach (var result in _classifier.ClassifyManyAsync(samples.Select(s => s.Path), ct).ConfigureAwait(false))
        {
            if (result.Error is { } error)
            {
                failures.Add(new ClipFailure(index, samples[index].Path, error.Message));
            }
            else
            {
                features[index] = result.MeanLogits;
            }
            index++;
        }
        return (features, failures);
    }

    public async ValueTask DisposeAsync()
    {
        await _classifier.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_folder, recursive: true);
    }
}
