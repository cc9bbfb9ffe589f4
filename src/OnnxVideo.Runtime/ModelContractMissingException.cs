namespace OnnxVideo.Runtime;

/// <summary>
/// The model carries no preprocessing contract in its metadata and the caller supplied none, so the classifier cannot
/// know how to turn videos into its input.
/// </summary>
public sealed class ModelContractMissingException(string modelPath)
    : UserInputException(modelPath, $"the model has no preprocessing contract in its metadata (key '{OnnxVideo.Media.PreprocessingContract.MetadataKey}') " +
                "and none was supplied; pass VideoClassifierOptions.Contract or export the model with its contract")
{
    public string ModelPath { get; } = modelPath;
}
