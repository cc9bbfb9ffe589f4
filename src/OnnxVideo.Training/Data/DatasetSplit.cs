namespace OnnxVideo.Training.Data;

/// <summary>Stratified train/validation split: every class keeps the same share in both parts.</summary>
internal static class DatasetSplit
{
    /// <summary>
    /// Puts round(n × <paramref name="validationFraction"/>) clips of each class (at least one when the class has two
    /// or more, never all of them) into the validation part; the choice depends only on <paramref name="seed"/>.
    /// </summary>
    public static (VideoDataset Train, VideoDataset Validation) Stratified(VideoDataset dataset, double validationFraction, int seed)
    {
        if (validationFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be between 0 and 1");
        }
        var train = new List<VideoSample>();
        var validation = new List<VideoSample>();
        for (var label = 0; label < dataset.Classes.Count; label++)
        {
            var ofClass = dataset.Samples.Where(s => s.Label == label).ToArray();
            new Random(unchecked(seed * 7919 + label)).Shuffle(ofClass);
            var take = (int)Math.Round(ofClass.Length * validationFraction, MidpointRounding.AwayFromZero);
            if (ofClass.Length >= 2)
            {
                take = Math.Clamp(take, 1, ofClass.Length - 1);
            }
            else
            {
                take = 0;
            }
            validation.AddRange(ofClass.Take(take));
            train.AddRange(ofClass.Skip(take));
        }
        var byPath = StringComparer.Ordinal;
        train.Sort((a, b) => byPath.Compare(a.Path, b.Path));
        validation.Sort((a, b) => byPath.Compare(a.Path, b.Path));
        return (dataset.WithSamples(train, dataset.Source + " (train split)"),
            dataset.WithSamples(validation, dataset.Source + " (validation split)"));
    }
}
