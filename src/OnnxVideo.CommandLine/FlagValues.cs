namespace OnnxVideo.CommandLine;

/// <summary>
/// Library options objects check themselves and throw <see cref="ArgumentException"/>: for a library caller that is a
/// programming error, but when every value came from flags it is the user's input. Only calls made here, on options the
/// command filled from flags, are treated so.
/// </summary>
internal static class FlagValues
{
    public static void Check(Action validate) => Check<object?>(() =>
    {
        validate();
        return null;
    });

    public static T Check<T>(Func<T> fromFlags)
    {
        try
        {
            return fromFlags();
        }
        catch (ArgumentException e)
        {
            throw new InvalidFlagException("invalid flag value", e.Message, e);
        }
    }
}
