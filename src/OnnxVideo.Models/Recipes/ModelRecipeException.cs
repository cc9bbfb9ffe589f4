namespace OnnxVideo.Models.Recipes;

/// <summary>A recipe file that cannot be used: <see cref="UserInputException.Input"/> names the file, the message the field.</summary>
internal sealed class ModelRecipeException : UserInputException
{
    public ModelRecipeException(string file, string field, string problem)
        : base(file, field.Length == 0 ? problem : $"field '{field}': {problem}")
    {
        Field = field;
    }

    /// <summary>The JSON path of the field at fault (e.g. <c>weights.sha256</c>); empty for the file as a whole.</summary>
    public string Field { get; }
}
