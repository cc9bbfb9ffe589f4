namespace OnnxVideo.Training.Data;

/// <summary>Labelled clips and the class names their labels index.</summary>
public sealed class VideoDataset
{
    public VideoDataset(string source, IReadOnlyList<string> classes, IReadOnlyList<VideoSample> samples)
    {
        Source = source;
        Classes = classes;
        Samples = samples;
        foreach (var sample in samples)
        {
            if (sample.Label < 0 || sample.Label >= classes.Count)
            {
                throw new DatasetException(source, $"label {sample.Label} of {sample.Path} is outside the {classes.Count} classes");
            }
        }
    }

    /// <summary>The folder or list file the dataset was read from.</summary>
    public string Source { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<VideoSample> Samples { get; }
    public int Count => Samples.Count;

    public int[] CountPerClass()
    {
        var counts = new int[Classes.Count];
        foreach (var sample in Samples)
        {
            counts[sample.Label]++;
        }
        return counts;
    }

    /// <summary>A dataset with the same classes holding only <paramref name="samples"/>.</summary>
    public VideoDataset WithSamples(IReadOnlyList<VideoSample> samples, string? source = null) =>
        new(source ?? Source, Classes, samples);
}
