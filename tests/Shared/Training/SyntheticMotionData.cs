using OnnxVideo.Media;

namespace OnnxVideo.Testing;

/// <summary>A small synthetic motion dataset (4 classes, 32×32, 8 frames) generated once for the end-to-end tests.</summary>
public sealed class SyntheticMotionData : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SyntheticMotionData()
    {
        Dataset = SyntheticVideoDataset.GenerateAsync(_dir.File("data"), new SyntheticDatasetOptions
        {
            Classes = 4,
            ClipsPerClass = 8,
            Frames = 8,
            Size = 32,
            Seed = 5,
            Distractors = 0,
            Noise = 4,
            ValidationFraction = 0.25,
        }).GetAwaiter().GetResult();
        SmallTrainList = WriteList("small-train.txt", Dataset.Clips.Where(c => !c.Validation).GroupBy(c => c.Label).SelectMany(g => g.Take(2)));
        SmallValidationList = WriteList("small-val.txt", Dataset.Clips.Where(c => c.Validation).GroupBy(c => c.Label).SelectMany(g => g.Take(1)));
        Contract = new PreprocessingContract
        {
            Frames = 4,
            CropSize = 32,
            ResizeShortSide = 32,
            Labels = Dataset.Labels.ToArray(),
        };
    }

    internal SyntheticDataset Dataset { get; }
    /// <summary>List files with 2 training and 1 validation clip per class, for runs repeated many times.</summary>
    public string SmallTrainList { get; }
    public string SmallValidationList { get; }

    private string WriteList(string name, IEnumerable<SyntheticClip> clips)
    {
        var path = Path.Combine(Dataset.Root, name);
        File.WriteAllLines(path, clips.Select(c => $"{c.RelativePath} {Dataset.Labels[c.Label]}"));
        return path;
    }
    public PreprocessingContract Contract { get; }

    public void Dispose() => _dir.Dispose();
}
