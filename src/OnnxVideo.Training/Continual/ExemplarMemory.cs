using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// The rehearsal memory of class-incremental training: after a task, a fixed budget of exemplars shared evenly by the
/// classes seen so far (iCaRL's K/t). A class trained on new clips picks its exemplars among them (and its earlier
/// exemplars) by herding or at random; a class known only from earlier exemplars keeps the first of them in their
/// stored order, as iCaRL shrinks an exemplar set.
/// </summary>
internal static class ExemplarMemory
{
    /// <param name="embed">Vectors of the given samples for herding (null for a clip that failed to decode), and what they are.</param>
    public static async Task<ExemplarFile> SelectAsync(IReadOnlyList<string> classes, IReadOnlyList<VideoSample> newSamples, ExemplarFile? previous,
        int memory, ExemplarSelection selection, int seed, Func<IReadOnlyList<VideoSample>, Task<(float[]?[] Vectors, string Kind)>> embed)
    {
        var candidates = Enumerable.Range(0, classes.Count).Select(c => new List<VideoSample>()).ToArray();
        var fromNewData = new bool[classes.Count];
        foreach (var sample in newSamples)
        {
            candidates[sample.Label].Add(sample);
            fromNewData[sample.Label] = true;
        }
        foreach (var exemplar in previous?.Exemplars ?? [])
        {
            var label = IndexOf(classes, exemplar.Label);
            if (label >= 0 && candidates[label].All(s => s.Path != exemplar.Path))
            {
                candidates[label].Add(new VideoSample(exemplar.Path, label));
            }
        }
        var seen = Enumerable.Range(0, classes.Count).Where(c => candidates[c].Count > 0).ToList();
        var budget = new int[classes.Count];
        for (var i = 0; i < seen.Count; i++)
        {
            budget[seen[i]] = memory / seen.Count + (i < memory % seen.Count ? 1 : 0);
        }
        var herded = selection == ExemplarSelection.Herding
            ? seen.Where(c => fromNewData[c] && budget[c] > 0).SelectMany(c => candidates[c]).ToList()
            : [];
        var (vectors, kind) = herded.Count > 0 ? await embed(herded).ConfigureAwait(false) : ([], "");
        var vectorOf = new Dictionary<VideoSample, float[]>();
        for (var i = 0; i < herded.Count; i++)
        {
            if (vectors[i] is { } v)
            {
                vectorOf[herded[i]] = v;
            }
        }
        var chosen = new List<Exemplar>();
        foreach (var c in seen)
        {
            IEnumerable<VideoSample> picked = !fromNewData[c] ? candidates[c].Take(budget[c])
                : selection == ExemplarSelection.Random ? Shuffled(candidates[c], seed, c).Take(budget[c])
                : Herd(candidates[c].Where(vectorOf.ContainsKey).ToList(), vectorOf, budget[c]);
            chosen.AddRange(picked.Select(s => new Exemplar(Path.GetFullPath(s.Path), classes[c])));
        }
        return new ExemplarFile
        {
            Selection = selection,
            Features = selection == ExemplarSelection.Herding ? kind : "",
            Memory = memory,
            Classes = [.. classes],
            Exemplars = chosen,
        };
    }

    private static IEnumerable<VideoSample> Herd(List<VideoSample> samples, Dictionary<VideoSample, float[]> vectors, int count) =>
        samples.Count == 0 ? [] : Herding.Select(samples.Select(s => vectors[s]).ToList(), count).Select(i => samples[i]);

    private static VideoSample[] Shuffled(List<VideoSample> samples, int seed, int label)
    {
        var copy = samples.ToArray();
        new Random(unchecked(seed * 7919 + 104_729 + label)).Shuffle(copy);
        return copy;
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// At most <paramref name="memory"/> of the file's exemplars, shared evenly by its classes, each class keeping its
    /// first ones (the file's priority order).
    /// </summary>
    public static ExemplarFile Limit(ExemplarFile file, int memory)
    {
        var classes = file.Exemplars.Select(e => e.Label).Distinct(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
        {
            return file;
        }
        var kept = new List<Exemplar>();
        for (var i = 0; i < classes.Count; i++)
        {
            var budget = memory / classes.Count + (i < memory % classes.Count ? 1 : 0);
            kept.AddRange(file.Exemplars.Where(e => e.Label == classes[i]).Take(budget));
        }
        return file with { Exemplars = kept };
    }

    /// <summary>
    /// The samples to rehearse from <paramref name="file"/> in the training set's class order; a class the model does
    /// not know is an <see cref="ExemplarFileException"/>.
    /// </summary>
    public static IReadOnlyList<VideoSample> Rehearsal(ExemplarFile file, string filePath, IReadOnlyList<string> classes)
    {
        var samples = new List<VideoSample>(file.Exemplars.Count);
        foreach (var exemplar in file.Exemplars)
        {
            var label = IndexOf(classes, exemplar.Label);
            if (label < 0)
            {
                throw new ExemplarFileException(filePath, $"its class '{exemplar.Label}' is not one of the model's classes ({string.Join(", ", classes)})");
            }
            samples.Add(new VideoSample(exemplar.Path, label));
        }
        return samples;
    }
}
